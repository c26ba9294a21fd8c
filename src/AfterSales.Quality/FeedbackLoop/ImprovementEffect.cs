using AfterSales.Quality.Kpi;
using NodaTime;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>One KPI before and after an improvement.</summary>
/// <param name="Metric">The KPI.</param>
/// <param name="Before">Its value in the window before the plan started (null: no data).</param>
/// <param name="After">Its value in the window after the plan was done (null: no data).</param>
/// <param name="Change">After − before (null when either is missing).</param>
public sealed record KpiChange(KpiMetric Metric, double? Before, double? After, double? Change);

/// <summary>The effect of an improvement plan: the KPIs of its scope before and after, side by side.</summary>
/// <param name="PlanNumber">The plan.</param>
/// <param name="Before">The window before the plan started.</param>
/// <param name="After">The window after the plan was done.</param>
/// <param name="BeforeValues">The KPIs before.</param>
/// <param name="AfterValues">The KPIs after.</param>
/// <param name="Changes">Every KPI with its change.</param>
public sealed record ImprovementEffect(string PlanNumber, Interval Before, Interval After, KpiValues BeforeValues, KpiValues AfterValues, IReadOnlyList<KpiChange> Changes);

/// <summary>The improvement-completion KPI: plans done by their original planned finish / plans due.</summary>
/// <param name="Due">Plans whose original planned finish is on or before the day asked.</param>
/// <param name="DoneOnTime">Of those, done by their original planned finish.</param>
/// <param name="Rate">DoneOnTime / Due; null when none is due.</param>
public sealed record ImprovementCompletion(int Due, int DoneOnTime, double? Rate);

/// <summary>Verifies improvements by the numbers (DOMAIN §6). Thread-safe (stateless).</summary>
public static class ImprovementVerification
{
    /// <summary>
    /// The KPIs of a plan's scope in a window before the plan started and the same window after it
    /// was done, with the change of each KPI.
    /// </summary>
    /// <param name="plan">A done plan.</param>
    /// <param name="facts">The KPI facts.</param>
    /// <param name="scope">The plan's scope as dimension filters (product, category, team ...); empty for everything.</param>
    /// <param name="zone">The zone the plan's dates are in.</param>
    /// <param name="window">How long each window is (e.g. 30 days).</param>
    /// <returns>The effect.</returns>
    /// <exception cref="InvalidOperationException">The plan is not done.</exception>
    public static ImprovementEffect Verify(ImprovementPlan plan, FactTable facts, IReadOnlyDictionary<FactDimension, IReadOnlySet<int>> scope, DateTimeZone zone, Period window)
    {
        Preconditions.CheckNotNull(plan);
        Preconditions.CheckNotNull(facts);
        Preconditions.CheckNotNull(scope);
        Preconditions.CheckNotNull(zone);
        Preconditions.CheckNotNull(window);
        var finish = plan.ActualFinish ?? throw new InvalidOperationException($"Improvement plan {plan.Number} is not done; its effect is verified after it is.");
        var beforeStart = zone.AtStartOfDay(plan.PlannedStart.Minus(window)).ToInstant();
        var beforeEnd = zone.AtStartOfDay(plan.PlannedStart).ToInstant();
        var afterStart = zone.AtStartOfDay(finish.PlusDays(1)).ToInstant();
        var afterEnd = zone.AtStartOfDay(finish.PlusDays(1).Plus(window)).ToInstant();
        KpiValues Measure(Instant from, Instant to) =>
            KpiEngine.Aggregate(facts, new KpiQuery { From = from, To = to, Filters = scope, WithPercentiles = true }).SingleOrDefault()?.Values ?? new KpiAggregate().ToValues();
        var before = Measure(beforeStart, beforeEnd);
        var after = Measure(afterStart, afterEnd);
        var changes = Enum.GetValues<KpiMetric>().Select(metric =>
        {
            var b = KpiMeasurementTable.ValueOf(before, metric);
            var a = KpiMeasurementTable.ValueOf(after, metric);
            return new KpiChange(metric, b, a, a - b);
        }).ToArray();
        return new ImprovementEffect(plan.Number, new Interval(beforeStart, beforeEnd), new Interval(afterStart, afterEnd), before, after, changes);
    }

    /// <summary>The improvement-completion KPI as of a day.</summary>
    /// <param name="plans">The plans.</param>
    /// <param name="asOf">The day: plans whose original planned finish is on or before it are due.</param>
    /// <returns>Due, done on time, and the rate.</returns>
    public static ImprovementCompletion Completion(IEnumerable<ImprovementPlan> plans, LocalDate asOf)
    {
        Preconditions.CheckNotNull(plans);
        var due = plans.Where(p => p.OriginalPlannedFinish <= asOf).ToArray();
        var onTime = due.Count(p => p.DoneOnTime == true);
        return new ImprovementCompletion(due.Length, onTime, due.Length == 0 ? null : (double)onTime / due.Length);
    }
}
