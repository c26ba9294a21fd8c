using System.Globalization;
using AfterSales.Quality.Storage;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Numbering;

/// <summary>The kinds of human-readable numbers the library hands out.</summary>
public enum DocumentKind
{
    /// <summary>A feedback (ticket) number, <c>F20240301001</c> by default.</summary>
    Feedback = 0,

    /// <summary>A revisit number, <c>HV20240311001</c> by default.</summary>
    Revisit = 1,

    /// <summary>An improvement plan number, <c>IMP20240301001</c> by default.</summary>
    Improvement = 2,
}

/// <summary>Which day a revisit number (<c>HV…</c>) is dated by.</summary>
public enum RevisitNumberDate
{
    /// <summary>
    /// Dated by the feedback, as table 4 of the guides shows: the revisit number is the revisit prefix and
    /// the date and sequence of the ticket's feedback number — F20240301001, revisited on 2024-03-11, gets
    /// HV20240301001, and F20240301002 gets HV20240301002 whatever order they are revisited in. The revisit of a
    /// later resolution cycle (after a reopen) appends its cycle: HV20240301001-2. Unique because feedback
    /// numbers are; the revisit format's date pattern and digits are not used. The default.
    /// </summary>
    FeedbackDate = 0,

    /// <summary>
    /// Dated by the revisit, with the revisit format's own daily sequence: F20240301001 revisited on
    /// 2024-03-11 gets HV20240311001 (the library's rule before the feedback date became the default).
    /// </summary>
    RevisitDate = 1,
}

/// <summary>
/// The format of one kind of number: prefix + the date in a NodaTime pattern + a daily sequence
/// padded to <see cref="SequenceDigits"/> digits (it grows past them instead of wrapping, so
/// numbers stay unique). Immutable.
/// </summary>
public sealed record DocumentNumberFormat
{
    /// <summary>The prefix, e.g. <c>F</c>. Letters and digits, 1–10 characters.</summary>
    public string Prefix { get; init; } = "F";

    /// <summary>The NodaTime <see cref="LocalDatePattern"/> of the date part. Default <c>uuuuMMdd</c>.</summary>
    public string DatePattern { get; init; } = "uuuuMMdd";

    /// <summary>The minimum digits of the daily sequence (1–9). Default 3.</summary>
    public int SequenceDigits { get; init; } = 3;

    /// <summary>Formats a number.</summary>
    /// <param name="date">The day, in the numbering time zone.</param>
    /// <param name="sequence">The day's sequence value (1 or more).</param>
    /// <returns>The number, e.g. <c>F20240301001</c>.</returns>
    public string Format(LocalDate date, long sequence)
    {
        Preconditions.CheckArgument(sequence >= 1, nameof(sequence), $"'{nameof(sequence)}' must be 1 or more; it was {sequence}.");
        return SequenceKey(date) + sequence.ToString(CultureInfo.InvariantCulture).PadLeft(SequenceDigits, '0');
    }

    /// <summary>The sequence key of a day: the prefix and the date, e.g. <c>F20240301</c>.</summary>
    /// <param name="date">The day.</param>
    /// <returns>The key; one daily sequence per key.</returns>
    public string SequenceKey(LocalDate date) =>
        Prefix + LocalDatePattern.CreateWithInvariantCulture(DatePattern).Format(date);

    internal void Validate(ValidationCollector errors, string field)
    {
        if (errors.Required(Prefix, $"{field}.{nameof(Prefix)}") && (Prefix.Length > 10 || !Prefix.All(char.IsAsciiLetterOrDigit)))
        {
            errors.Add($"{field}.{nameof(Prefix)}", $"'{Prefix}' must be 1-10 ASCII letters or digits.");
        }

        if (errors.Required(DatePattern, $"{field}.{nameof(DatePattern)}"))
        {
            try
            {
                var pattern = LocalDatePattern.CreateWithInvariantCulture(DatePattern);
                var sample = pattern.Format(new LocalDate(2024, 12, 31));
                if (!pattern.Parse(sample).Success || sample.Any(char.IsWhiteSpace))
                {
                    errors.Add($"{field}.{nameof(DatePattern)}", $"'{DatePattern}' does not round-trip a date without spaces.");
                }
            }
            catch (InvalidPatternException ex)
            {
                errors.Add($"{field}.{nameof(DatePattern)}", $"'{DatePattern}' is not a NodaTime date pattern: {ex.Message}");
            }
        }

        if (SequenceDigits is < 1 or > 9)
        {
            errors.Add($"{field}.{nameof(SequenceDigits)}", $"must be between 1 and 9; it was {SequenceDigits}.");
        }
    }
}

/// <summary>
/// How numbers are made: one format per kind and the time zone whose calendar day goes into the
/// number. A property bag with defaults; validated by <see cref="Validate()"/>.
/// </summary>
public sealed class DocumentNumberingOptions
{
    /// <summary>The zone whose local date goes into numbers. Default UTC; set it to the service desk's zone (e.g. Asia/Shanghai).</summary>
    public DateTimeZone TimeZone { get; set; } = DateTimeZone.Utc;

    /// <summary>Feedback numbers. Default <c>F</c> + <c>uuuuMMdd</c> + 3 digits.</summary>
    public DocumentNumberFormat Feedback { get; set; } = new() { Prefix = "F" };

    /// <summary>Revisit numbers. Default <c>HV</c> + <c>uuuuMMdd</c> + 3 digits.</summary>
    public DocumentNumberFormat Revisit { get; set; } = new() { Prefix = "HV" };

    /// <summary>Improvement plan numbers. Default <c>IMP</c> + <c>uuuuMMdd</c> + 3 digits.</summary>
    public DocumentNumberFormat Improvement { get; set; } = new() { Prefix = "IMP" };

    /// <summary>
    /// Which day revisit numbers are dated by. Default <see cref="RevisitNumberDate.FeedbackDate"/>, as the
    /// guides' table 4 (HV20240301001 for F20240301001, revisited on 03-11).
    /// </summary>
    public RevisitNumberDate RevisitDatedBy { get; set; } = RevisitNumberDate.FeedbackDate;

    /// <summary>The format of a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its format.</returns>
    public DocumentNumberFormat FormatOf(DocumentKind kind) => kind switch
    {
        DocumentKind.Feedback => Feedback,
        DocumentKind.Revisit => Revisit,
        DocumentKind.Improvement => Improvement,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a document kind."),
    };

    /// <summary>Checks every format and throws one exception listing every problem.</summary>
    /// <exception cref="QualityValidationException">A format is invalid or two kinds share a prefix.</exception>
    public void Validate()
    {
        var errors = new ValidationCollector(nameof(DocumentNumberingOptions));
        Validate(errors, nameof(DocumentNumberingOptions));
        errors.ThrowIfAny();
    }

    internal void Validate(ValidationCollector errors, string prefix)
    {
        if (TimeZone is null)
        {
            errors.Add($"{prefix}.{nameof(TimeZone)}", "is required.");
        }

        if (!Enum.IsDefined(RevisitDatedBy))
        {
            errors.Add($"{prefix}.{nameof(RevisitDatedBy)}", $"'{(int)RevisitDatedBy}' is not a revisit number date (FeedbackDate or RevisitDate).");
        }

        var formats = new (string Name, DocumentNumberFormat? Format)[] { (nameof(Feedback), Feedback), (nameof(Revisit), Revisit), (nameof(Improvement), Improvement) };
        foreach (var (name, format) in formats)
        {
            if (format is null)
            {
                errors.Add($"{prefix}.{name}", "is required.");
            }
            else
            {
                format.Validate(errors, $"{prefix}.{name}");
            }
        }

        var prefixes = formats.Where(f => f.Format?.Prefix is not null).GroupBy(f => f.Format!.Prefix, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1);
        foreach (var group in prefixes)
        {
            errors.Add($"{prefix}.{group.Last().Name}.{nameof(DocumentNumberFormat.Prefix)}", $"'{group.Key}' is also the prefix of {group.First().Name}; each kind needs its own prefix.");
        }
    }
}

/// <summary>Derives revisit numbers from feedback numbers (<see cref="RevisitNumberDate.FeedbackDate"/>).</summary>
public static class RevisitNumbers
{
    /// <summary>
    /// The revisit number of a ticket's revisit in a resolution cycle, dated by its feedback number: the
    /// revisit prefix and the feedback number without its prefix (<c>F20240301001</c> → <c>HV20240301001</c>),
    /// with <c>-{cycle}</c> appended from the second cycle on. A feedback number that does not start with the
    /// feedback prefix (the format changed since) is kept whole: <c>HVX20240301001</c>.
    /// </summary>
    /// <param name="options">The numbering options (the feedback and revisit prefixes).</param>
    /// <param name="feedbackNumber">The ticket's feedback number.</param>
    /// <param name="cycle">The resolution cycle the revisit belongs to (1 or more).</param>
    /// <returns>The revisit number.</returns>
    /// <exception cref="ArgumentException">The feedback number is blank or the cycle below 1.</exception>
    public static string FromFeedbackNumber(DocumentNumberingOptions options, string feedbackNumber, int cycle)
    {
        Preconditions.CheckNotNull(options);
        Preconditions.CheckNotBlank(feedbackNumber);
        Preconditions.CheckRange(cycle, 1, int.MaxValue);
        var feedbackPrefix = options.Feedback.Prefix;
        var rest = feedbackNumber.StartsWith(feedbackPrefix, StringComparison.Ordinal) ? feedbackNumber[feedbackPrefix.Length..] : feedbackNumber;
        return options.Revisit.Prefix + rest + (cycle > 1 ? "-" + cycle.ToString(CultureInfo.InvariantCulture) : "");
    }
}

/// <summary>
/// Hands out human-readable numbers (<c>F20240301001</c>, <c>HV…</c>, <c>IMP…</c>): the date is the
/// local date of the instant in the configured zone, and the daily sequence comes from an
/// <see cref="ISequenceStore"/>, so numbers are unique under concurrent registration (also
/// across processes sharing a store). A number taken by a command that then fails is not reused.
/// Thread-safe.
/// </summary>
public sealed class DocumentNumberGenerator
{
    private readonly ISequenceStore sequences;
    private readonly DocumentNumberingOptions options;

    /// <summary>Creates a generator.</summary>
    /// <param name="sequences">Where daily sequences are kept.</param>
    /// <param name="options">The formats and the zone; validated here.</param>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public DocumentNumberGenerator(ISequenceStore sequences, DocumentNumberingOptions options)
    {
        this.sequences = Preconditions.CheckNotNull(sequences);
        this.options = Preconditions.CheckNotNull(options);
        options.Validate();
    }

    /// <summary>Takes the next number of a kind for the day of <paramref name="at"/>.</summary>
    /// <param name="kind">The kind of number.</param>
    /// <param name="at">The instant whose local date (in the configured zone) goes into the number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number.</returns>
    public async ValueTask<string> NextAsync(DocumentKind kind, Instant at, CancellationToken cancellationToken = default)
    {
        var format = options.FormatOf(kind);
        var date = at.InZone(options.TimeZone).Date;
        var value = await sequences.NextAsync(format.SequenceKey(date), cancellationToken).ConfigureAwait(false);
        return format.Format(date, value);
    }
}
