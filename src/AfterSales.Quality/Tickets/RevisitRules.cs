using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// The revisit rules: when a revisit counts as unsatisfied, and how many failed attempts allow
/// recording the customer as unreachable. Immutable.
/// </summary>
public sealed record RevisitRules
{
    /// <summary>
    /// A score at or below this is unsatisfied and reopens the ticket (a "not resolved" answer
    /// always does). 1–4; default 2.
    /// </summary>
    public int UnsatisfiedScoreThreshold { get; init; } = 2;

    /// <summary>Failed attempts needed before the revisit may be recorded as unreachable. 1–20; default 3.</summary>
    public int UnreachableAfterAttempts { get; init; } = 3;

    internal void Validate(ValidationCollector errors, string prefix)
    {
        if (UnsatisfiedScoreThreshold is < 1 or > 4)
        {
            errors.Add($"{prefix}.{nameof(UnsatisfiedScoreThreshold)}", $"must be between 1 and 4; it was {UnsatisfiedScoreThreshold}.");
        }

        if (UnreachableAfterAttempts is < 1 or > 20)
        {
            errors.Add($"{prefix}.{nameof(UnreachableAfterAttempts)}", $"must be between 1 and 20; it was {UnreachableAfterAttempts}.");
        }
    }
}
