namespace AfterSales.Quality.Prioritization;

/// <summary>
/// Ticket priority. A lower number is more urgent: <see cref="P0"/> is the most urgent.
/// </summary>
public enum Priority
{
    /// <summary>Urgent: core function down or a safety risk, affecting many or key customers (respond within 24 h).</summary>
    P0 = 0,

    /// <summary>High: a secondary function affected, the customer's use is blocked (respond within 48 h).</summary>
    P1 = 1,

    /// <summary>Medium: service-experience problems, improvement suggestions (respond within 72 h).</summary>
    P2 = 2,

    /// <summary>Low: minor flaws, non-urgent suggestions (next regular improvement cycle).</summary>
    P3 = 3,
}

/// <summary>Helpers for comparing priorities by urgency.</summary>
public static class PriorityExtensions
{
    /// <summary>Whether <paramref name="priority"/> is strictly more urgent than <paramref name="other"/>.</summary>
    /// <param name="priority">The priority to compare.</param>
    /// <param name="other">The priority to compare with.</param>
    /// <returns><see langword="true"/> when <paramref name="priority"/> is more urgent.</returns>
    public static bool IsMoreUrgentThan(this Priority priority, Priority other) => priority < other;

    /// <summary>The more urgent of two priorities.</summary>
    /// <param name="priority">One priority.</param>
    /// <param name="other">The other priority.</param>
    /// <returns>The more urgent priority.</returns>
    public static Priority MostUrgent(this Priority priority, Priority other) => priority < other ? priority : other;

    /// <summary>Whether the value is one of the defined priorities.</summary>
    /// <param name="priority">The value to check.</param>
    /// <returns><see langword="true"/> for P0–P3.</returns>
    public static bool IsDefined(this Priority priority) => priority is >= Priority.P0 and <= Priority.P3;
}
