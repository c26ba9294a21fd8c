using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Counts the keywords of feedback text without a word segmenter, so Chinese (and Japanese and
/// Korean) text needs no dictionary: a run of CJK characters yields its overlapping two-character
/// terms (the bigram method of Lucene's CJK analyzer: "充电很慢" gives 充电, 电很, 很慢), and terms
/// holding a common function character (的, 了, 是 …) are dropped; other scripts are split into
/// words on anything but letters, lower-cased, and words shorter than three letters or in a small
/// English stop list are dropped. Tokens with digits are never counted, so numbers that escaped
/// redaction do not surface. Full-width letters and digits are folded to ASCII first.
/// Thread-safe.
/// </summary>
public static class KeywordExtractor
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "are", "but", "not", "you", "your", "with", "was", "were", "this", "that", "have", "has", "had", "from", "they",
        "them", "their", "there", "then", "than", "too", "very", "can", "could", "would", "should", "will", "just", "all", "any", "our", "out",
        "its", "it's", "into", "about", "after", "before", "again", "been", "being", "did", "does", "doing", "what", "when", "where", "which",
        "who", "why", "how", "more", "most", "some", "such", "only", "own", "same", "also", "each", "few", "other", "off", "over", "under",
        "once", "here", "both", "because", "while", "until", "between", "through", "during", "above", "below", "down", "she", "him", "her", "his",
        "one", "get", "got", "please", "thanks", "thank", "redacted",
    };

    private const string StopCharacters = "的了是在和也就都而及与着或一不我你他她它们这那有个吗呢吧啊把被给让对很还";

    /// <summary>The most frequent keywords of some texts.</summary>
    /// <param name="texts">The texts (null entries are skipped).</param>
    /// <param name="top">How many keywords to return; at least 1.</param>
    /// <param name="minimumCount">The fewest occurrences a keyword needs; at least 1.</param>
    /// <returns>The keywords, most frequent first (ties in ordinal order).</returns>
    public static IReadOnlyList<KeywordCount> Extract(IEnumerable<string?> texts, int top = 30, int minimumCount = 2)
    {
        CheckArguments(texts, top, minimumCount);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var term in Terms(text))
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }
        }

        return counts.Where(kv => kv.Value >= minimumCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(top).Select(kv => new KeywordCount(kv.Key, kv.Value)).ToArray();
    }

    /// <summary>The terms of one text, in order, as <see cref="Extract"/> counts them.</summary>
    /// <param name="text">The text; null or empty gives no term.</param>
    /// <returns>The terms.</returns>
    public static IEnumerable<string> Terms(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        var word = new StringBuilder();
        var cjk = new List<string>();

        void FlushWord()
        {
            if (word.Length > 0)
            {
                var w = word.ToString().ToLowerInvariant();
                word.Clear();
                if (w.Length >= 3 && !StopWords.Contains(w) && !w.Any(char.IsDigit))
                {
                    terms.Add(w);
                }
            }
        }

        void FlushCjk()
        {
            for (var i = 0; i + 1 < cjk.Count; i++)
            {
                if (!StopCharacters.Contains(cjk[i], StringComparison.Ordinal) && !StopCharacters.Contains(cjk[i + 1], StringComparison.Ordinal))
                {
                    terms.Add(cjk[i] + cjk[i + 1]);
                }
            }

            cjk.Clear();
        }

        var enumerator = StringInfo.GetTextElementEnumerator(FoldWidth(text));
        while (enumerator.MoveNext())
        {
            var element = (string)enumerator.Current;
            var rune = Rune.GetRuneAt(element, 0);
            if (IsCjk(rune))
            {
                FlushWord();
                cjk.Add(element);
            }
            else if (Rune.IsLetter(rune) || Rune.IsDigit(rune) || (element == "'" && word.Length > 0))
            {
                FlushCjk();
                word.Append(element);
            }
            else
            {
                FlushWord();
                FlushCjk();
            }
        }

        FlushWord();
        FlushCjk();
        return terms;
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

    private static void CheckArguments(IEnumerable<string?> texts, int top, int minimumCount)
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
    }
}
