using System.Text;
using Lucene.Net.Analysis.Cn.Smart.Hhmm;

namespace AfterSales.Quality.Reporting;

/// <summary>What <see cref="KeywordExtractor"/> counts. Validated by <see cref="Validate"/>.</summary>
public sealed record KeywordOptions
{
    /// <summary>How many keywords to return. Default 30; at least 1.</summary>
    public int Top { get; init; } = 30;

    /// <summary>The fewest occurrences a keyword needs. Default 2; at least 1.</summary>
    public int MinimumCount { get; init; } = 2;

    /// <summary>
    /// The words never counted (compared lower-cased): by default <see cref="KeywordExtractor.ServiceStopWords"/>, the
    /// function words of English and Chinese and the words every after-sales text holds (customer, problem, 客户, 问题 …).
    /// </summary>
    public IReadOnlyCollection<string> StopWords { get; init; } = KeywordExtractor.ServiceStopWords;

    /// <summary>
    /// Text the desk's own templates produce (e.g. <c>"Customer reports a problem with"</c>): every occurrence is cut
    /// out of a text (ignoring case) before it is split into words, so templates do not crowd out what customers wrote. None by default.
    /// </summary>
    public IReadOnlyList<string> IgnoredText { get; init; } = [];

    /// <summary>Checks every setting and names each bad one.</summary>
    /// <exception cref="QualityValidationException">A setting is invalid; every problem is listed.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        if (Top < 1)
        {
            errors.Add(new ValidationError(nameof(Top), $"must be at least 1; it was {Top}"));
        }

        if (MinimumCount < 1)
        {
            errors.Add(new ValidationError(nameof(MinimumCount), $"must be at least 1; it was {MinimumCount}"));
        }

        if (StopWords is null || StopWords.Any(w => w is null))
        {
            errors.Add(new ValidationError(nameof(StopWords), "must be set and hold no null word"));
        }

        if (IgnoredText is null || IgnoredText.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(new ValidationError(nameof(IgnoredText), "must be set and hold no blank text"));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(KeywordOptions), errors);
        }
    }
}

/// <summary>
/// Counts the keywords of feedback text. Chinese is split into words by Lucene.Net's SmartCn
/// segmenter (a hidden Markov model over a dictionary of simplified Chinese words: "充电1小时仅到20%"
/// gives 充电 / 1 / 小时 / 仅 / 到 / 20 / %); a word is counted when it has two or more CJK characters,
/// or three or more letters in other scripts (lower-cased), holds no digit (numbers that escaped
/// redaction do not surface) and is not a stop word (<see cref="KeywordOptions.StopWords"/>:
/// by default <see cref="ServiceStopWords"/>). Single Chinese characters are mostly function words and
/// are not counted. Full-width letters and digits are folded to ASCII first, and text the desk's templates
/// produce can be cut out (<see cref="KeywordOptions.IgnoredText"/>). Thread-safe (a segmenter per call).
/// </summary>
public static class KeywordExtractor
{
    /// <summary>
    /// The default stop words: English function words, Chinese function words and units, and the words any
    /// after-sales text holds in both languages (customer/客户, problem/问题, service/服务, feedback/反馈, reports …).
    /// </summary>
    public static IReadOnlyCollection<string> ServiceStopWords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // English function words
        "the", "and", "for", "are", "but", "not", "you", "your", "with", "was", "were", "this", "that", "have", "has", "had", "from", "they",
        "them", "their", "there", "then", "than", "too", "very", "can", "could", "would", "should", "will", "just", "all", "any", "our", "out",
        "its", "it's", "into", "about", "after", "before", "again", "been", "being", "did", "does", "doing", "what", "when", "where", "which",
        "who", "why", "how", "more", "most", "some", "such", "only", "own", "same", "also", "each", "few", "other", "off", "over", "under",
        "once", "here", "both", "because", "while", "until", "between", "through", "during", "above", "below", "down", "she", "him", "her", "his",
        "one", "get", "got", "please", "thanks", "thank", "redacted", "came", "back", "week", "day", "days", "time", "times", "hour", "hours",
        // English words of every after-sales text
        "customer", "customers", "problem", "problems", "issue", "issues", "report", "reports", "reported", "service", "services", "ticket",
        "tickets", "request", "requests", "feedback", "case", "contact", "contacted", "support",
        // Chinese function words, pronouns, measure words and units
        "我们", "你们", "他们", "她们", "它们", "这个", "那个", "这些", "那些", "这样", "那样", "什么", "怎么", "为什么", "如何", "因为", "所以",
        "但是", "而且", "并且", "或者", "还是", "如果", "虽然", "然后", "已经", "还有", "没有", "不是", "就是", "可以", "一直", "一下", "一个",
        "一次", "非常", "比较", "有点", "希望", "请问", "谢谢", "您好", "你好", "小时", "分钟", "天", "时候", "今天", "昨天", "之后", "以后",
        // Chinese words of every after-sales text
        "客户", "顾客", "用户", "问题", "服务", "反馈", "售后", "工单", "客服", "处理", "情况", "联系",
    };

    /// <summary>The most frequent keywords of some texts.</summary>
    /// <param name="texts">The texts (null entries are skipped).</param>
    /// <param name="top">How many keywords to return; at least 1.</param>
    /// <param name="minimumCount">The fewest occurrences a keyword needs; at least 1.</param>
    /// <returns>The keywords, most frequent first (ties in ordinal order).</returns>
    public static IReadOnlyList<KeywordCount> Extract(IEnumerable<string?> texts, int top = 30, int minimumCount = 2)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (top < 1)
        {
            throw new ArgumentException($"top: must be at least 1; it was {top}.", nameof(top));
        }

        if (minimumCount < 1)
        {
            throw new ArgumentException($"minimumCount: must be at least 1; it was {minimumCount}.", nameof(minimumCount));
        }

        return Extract(texts, new KeywordOptions { Top = top, MinimumCount = minimumCount });
    }

    /// <summary>The most frequent keywords of some texts, as the options say.</summary>
    /// <param name="texts">The texts (null entries are skipped).</param>
    /// <param name="options">What to count.</param>
    /// <returns>The keywords, most frequent first (ties in ordinal order).</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public static IReadOnlyList<KeywordCount> Extract(IEnumerable<string?> texts, KeywordOptions options)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stop = StopSet(options.StopWords);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var term in Terms(text, stop, options.IgnoredText))
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }
        }

        return counts.Where(kv => kv.Value >= options.MinimumCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(options.Top).Select(kv => new KeywordCount(kv.Key, kv.Value)).ToArray();
    }

    /// <summary>The terms of one text, in order, as <see cref="Extract(IEnumerable{string?}, int, int)"/> counts them (default stop words, nothing ignored).</summary>
    /// <param name="text">The text; null or empty gives no term.</param>
    /// <returns>The terms.</returns>
    public static IEnumerable<string> Terms(string? text) => Terms(text, DefaultStop, []);

    /// <summary>The terms of one text, in order, as <see cref="Extract(IEnumerable{string?}, KeywordOptions)"/> counts them.</summary>
    /// <param name="text">The text; null or empty gives no term.</param>
    /// <param name="options">The stop words and ignored text (<see cref="KeywordOptions.Top"/> and <see cref="KeywordOptions.MinimumCount"/> do not apply).</param>
    /// <returns>The terms.</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public static IEnumerable<string> Terms(string? text, KeywordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Terms(text, StopSet(options.StopWords), options.IgnoredText);
    }

    private static readonly HashSet<string> DefaultStop = StopSet(ServiceStopWords);

    private static HashSet<string> StopSet(IReadOnlyCollection<string> words) =>
        ReferenceEquals(words, ServiceStopWords) && DefaultStop is not null ? DefaultStop : new HashSet<string>(words.Select(w => FoldWidth(w).ToLowerInvariant()), StringComparer.Ordinal);

    private static List<string> Terms(string? text, HashSet<string> stop, IReadOnlyList<string> ignored)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        text = FoldWidth(text);
        foreach (var phrase in ignored)
        {
            text = text.Replace(FoldWidth(phrase), " ", StringComparison.OrdinalIgnoreCase);
        }

        // Chinese runs go to SmartCn's word segmenter; other scripts are split on anything but letters, digits
        // and inner apostrophes. (SmartCn's tokenizer is not used: it finds sentences with ICU4N, which needs
        // cultures a host in globalization-invariant mode does not have.)
        var run = new StringBuilder();
        var cjkRun = false;
        void Flush()
        {
            if (run.Length == 0)
            {
                return;
            }

            var piece = run.ToString();
            run.Clear();
            if (cjkRun)
            {
                // SmartCn's sentence model: the first and last tokens mark the sentence's start and end.
                var tokens = Segmenter.Value!.Process(piece);
                for (var i = 1; i < tokens.Count - 1; i++)
                {
                    Add(piece[tokens[i].StartOffset..tokens[i].EndOffset]);
                }
            }
            else
            {
                Add(piece.ToLowerInvariant());
            }
        }

        void Add(string word)
        {
            if (IsKeyword(word) && !stop.Contains(word))
            {
                terms.Add(word);
            }
        }

        foreach (var rune in text.EnumerateRunes())
        {
            var cjk = IsCjk(rune);
            var wordChar = cjk || Rune.IsLetter(rune) || Rune.IsDigit(rune) || (rune.Value == '\'' && run.Length > 0 && !cjkRun);
            if (!wordChar || (run.Length > 0 && cjk != cjkRun))
            {
                Flush();
            }

            if (wordChar)
            {
                cjkRun = cjk;
                run.Append(rune.ToString());
            }
        }

        Flush();
        return terms;
    }

    /// <summary>SmartCn's segmenter (its dictionaries load once per process); one per thread, as it keeps state.</summary>
    private static readonly ThreadLocal<HHMMSegmenter> Segmenter = new(() => new HHMMSegmenter());

    /// <summary>Two or more CJK characters, or three or more letters (an apostrophe inside allowed); never a digit.</summary>
    private static bool IsKeyword(string word)
    {
        int cjk = 0, letters = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                cjk++;
            }
            else if (Rune.IsLetter(rune))
            {
                letters++;
            }
            else if (rune.Value != '\'')
            {
                return false;
            }
        }

        return (cjk >= 2 && letters == 0) || (cjk == 0 && letters >= 3);
    }

    /// <summary>Folds full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to ASCII, independent of the globalization mode.</summary>
    private static string FoldWidth(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            };
        }
    });

    private static bool IsCjk(Rune rune)
    {
        var v = rune.Value;
        return v is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2EBEF) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0x3040 and <= 0x30FF) or (>= 0xAC00 and <= 0xD7AF);
    }
}
