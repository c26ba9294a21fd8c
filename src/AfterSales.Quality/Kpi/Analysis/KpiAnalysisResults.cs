using NodaTime;

namespace AfterSales.Quality.Kpi.Analysis;

/// <summary>One KPI compared with a previous period and a benchmark (an industry or company reference).</summary>
/// <param name="Metric">The KPI.</param>
/// <param name="Current">The value in the period analysed; null without data.</param>
/// <param name="Previous">The value in the previous period; null without data.</param>
/// <param name="Benchmark">The benchmark value; null when none was given.</param>
/// <param name="Change">Current − previous; null when either is missing.</param>
/// <param name="RelativeChange">(Current − previous) / |previous|; null when either is missing or the previous value is 0.</param>
/// <param name="GapToBenchmark">Current − benchmark; null when either is missing.</param>
/// <param name="Improved">Whether the KPI moved the good way (<see cref="KpiAnalysis.DirectionOf"/>); null when unchanged or not comparable.</param>
/// <param name="BeatsBenchmark">Whether the current value is on the good side of the benchmark (ties count); null when not comparable.</param>
public sealed record KpiComparisonRow(KpiMetric Metric, double? Current, double? Previous, double? Benchmark, double? Change, double? RelativeChange, double? GapToBenchmark, bool? Improved, bool? BeatsBenchmark);

/// <summary>One period of a KPI trend.</summary>
/// <param name="PeriodStart">The first local date of the period.</param>
/// <param name="Tickets">Tickets received in the period (0 for a period without tickets).</param>
/// <param name="Value">The KPI's value; null without data.</param>
/// <param name="Change">Value − the previous period's value; null when either is missing.</param>
public sealed record KpiTrendPoint(LocalDate PeriodStart, long Tickets, double? Value, double? Change);

/// <summary>A KPI's series over consecutive periods for one group (every dimension code −1 when not grouped).</summary>
/// <param name="Key">The group (its <see cref="KpiGroupKey.PeriodStart"/> is null).</param>
/// <param name="Points">One point per period from the first to the last period with tickets, gaps included.</param>
public sealed record KpiTrendSeries(KpiGroupKey Key, IReadOnlyList<KpiTrendPoint> Points);

/// <summary>One value of a dimension in a distribution.</summary>
/// <param name="Code">The dimension code.</param>
/// <param name="Name">The decoded value.</param>
/// <param name="Tickets">Tickets with that value.</param>
/// <param name="Share">Its share of the tickets in scope (0 to 1).</param>
public sealed record DistributionRow(int Code, string Name, long Tickets, double Share);

/// <summary>A frequent problem of one period: its rank and how many periods in a row it has been in the top.</summary>
/// <param name="Name">The problem (the decoded values of the problem dimensions, joined with " / ").</param>
/// <param name="Rank">Its rank in the period, from 1.</param>
/// <param name="Tickets">Tickets with that problem in the period.</param>
/// <param name="ConsecutivePeriods">How many periods in a row, ending with this one, it has been in the top.</param>
/// <param name="Persistent">Whether <see cref="ConsecutivePeriods"/> reached the threshold asked for.</param>
public sealed record FrequentProblem(string Name, int Rank, long Tickets, int ConsecutivePeriods, bool Persistent);

/// <summary>The top problems of one period.</summary>
/// <param name="PeriodStart">The first local date of the period.</param>
/// <param name="Problems">The top problems, rank order.</param>
public sealed record FrequentProblemsPeriod(LocalDate PeriodStart, IReadOnlyList<FrequentProblem> Problems);
