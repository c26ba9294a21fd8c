using AfterSales.Quality.Kpi;
using AfterSales.Quality.Kpi.Analysis;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class KpiAnalysisTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];


    private static double NaivePearson(IReadOnlyList<(double X, double Y)> pairs)
    {
        var mx = pairs.Average(p => p.X);
        var my = pairs.Average(p => p.Y);
        var sxy = pairs.Sum(p => (p.X - mx) * (p.Y - my));
        var sxx = pairs.Sum(p => (p.X - mx) * (p.X - mx));
        var syy = pairs.Sum(p => (p.Y - my) * (p.Y - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    [Property(MaxTest = 200)]
    public void Pearson_partials_merge_to_the_correlation_of_all_pairs(int seed, PositiveInt partitions)
    {
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, random.Next(0, 300)).Select(_ => { var x = random.Next(0, 100_000); return ((double)x, (double)((x / 20_000) + random.Next(0, 3))); }).ToArray();
        var whole = pairs.Aggregate(default(PearsonCorrelation), (a, p) => a.Add(p.Item1, p.Item2));
        var parts = new PearsonCorrelation[(partitions.Get % 9) + 1];
        foreach (var (x, y) in pairs)
        {
            var i = random.Next(parts.Length);
            parts[i] = parts[i].Add(x, y);
        }

        var merged = parts.Aggregate(default(PearsonCorrelation), (a, b) => a.Merge(b));
        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Coefficient is null, merged.Coefficient is null);
        if (whole.Coefficient is { } r)
        {
            Assert.Equal(r, merged.Coefficient!.Value, 9);
            Assert.Equal(NaivePearson(pairs), r, 9);
            Assert.InRange(r, -1, 1);
        }
    }

    [Fact]
    public void Pearson_is_undefined_not_NaN_without_variation_or_pairs()
    {
        Assert.Null(default(PearsonCorrelation).Coefficient);
        Assert.Null(default(PearsonCorrelation).Add(1, 2).Coefficient);
        Assert.Null(default(PearsonCorrelation).Add(1, 2).Add(1, 3).Coefficient); // x does not vary
        Assert.Equal(-1, default(PearsonCorrelation).Add(1, 3).Add(2, 2).Add(3, 1).Coefficient!.Value, 12);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => default(PearsonCorrelation).Add(double.NaN, 1)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => default(PearsonCorrelation).Add(1, double.PositiveInfinity)).ParamName);
    }

    [Property(MaxTest = 200)]
    public void Descriptive_statistics_equal_the_textbook_formulas(int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, random.Next(0, 200)).Select(_ => (double)random.Next(-1000, 1000)).ToArray();
        var stats = DescriptiveStatistics.Of(values);
        Assert.Equal(values.Length, stats.Count);
        if (values.Length == 0)
        {
            Assert.Equal(new DescriptiveStatistics(0, null, null, null, null, null, null, null, null, null), stats);
            return;
        }

        var sorted = values.Order().ToArray();
        Assert.Equal(values.Average(), stats.Mean!.Value, 9);
        Assert.Equal((sorted[0], sorted[^1]), (stats.Min, stats.Max));
        if (values.Length > 1)
        {
            var mean = values.Average();
            Assert.Equal(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)), stats.StandardDeviation!.Value, 9);
        }
        else
        {
            Assert.Null(stats.StandardDeviation);
        }

        // The median of an odd count is the middle value; of an even count the midpoint of the middle two.
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        Assert.Equal(median, stats.Median!.Value, 9);
        Assert.True(stats.Min <= stats.P25 && stats.P25 <= stats.Median && stats.Median <= stats.P75 && stats.P75 <= stats.P90 && stats.P90 <= stats.P95 && stats.P95 <= stats.Max);
    }

    [Fact]
    public void Percentiles_interpolate_like_numpy()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(1.75, DescriptiveStatistics.Percentile(sorted, 0.25), 12);
        Assert.Equal(3.7, DescriptiveStatistics.Percentile(sorted, 0.9), 12);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => DescriptiveStatistics.Percentile(sorted, 1.5)).ParamName);
        Assert.Equal("sorted", Assert.Throws<ArgumentException>(() => DescriptiveStatistics.Percentile([], 0.5)).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => DescriptiveStatistics.Of([1, double.NaN])).ParamName);
    }

    [Property(MaxTest = 40)]
    public void Correlation_and_statistics_of_facts_equal_naive_LINQ(int seed)
    {
        var facts = KpiEngineTests.RandomFacts(seed, 1_500);
        var scope = new KpiQuery { From = Instant.FromUtc(2024, 3, 1, 0, 0), To = Instant.FromUtc(2024, 9, 1, 0, 0), Filters = new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Team] = new HashSet<int> { 1, 2, 3, 4, 5 } } };
        var table = KpiEngineTests.Table(facts);
        var from = (int)(scope.From!.Value - TicketFact.Epoch).TotalMinutes;
        var to = (int)(scope.To!.Value - TicketFact.Epoch).TotalMinutes;
        var inScope = facts.Where(f => f.ReceivedMinute >= from && f.ReceivedMinute < to && f.Team is >= 1 and <= 5).ToArray();

        var pairs = inScope.Where(f => f.RawFirstResponseSeconds >= 0 && f.CsatCode is >= 1 and <= 5).Select(f => ((double)f.RawFirstResponseSeconds, (double)f.CsatCode)).ToArray();
        var correlation = KpiAnalysis.Correlate(table, FactMeasure.FirstResponseSeconds, FactMeasure.Satisfaction, scope);
        Assert.Equal(pairs.Length, correlation.Count);
        Assert.Equal(NaivePearson(pairs), correlation.Coefficient!.Value, 9);

        var nps = inScope.Where(f => f.RawFirstResponseSeconds >= 0 && f.RecommendationCode <= 10).Select(f => ((double)f.RawFirstResponseSeconds, (double)f.RecommendationCode)).ToArray();
        Assert.Equal(NaivePearson(nps), KpiAnalysis.Correlate(table, FactMeasure.FirstResponseSeconds, FactMeasure.LikelihoodToRecommend, scope).Coefficient!.Value, 9);

        var handling = inScope.Where(f => f.RawHandlingSeconds >= 0 && f.Has(FactFlags.Resolved)).Select(f => (double)f.RawHandlingSeconds).ToArray();
        Assert.Equal(DescriptiveStatistics.Of(handling), KpiAnalysis.Describe(table, FactMeasure.HandlingSeconds, scope));
    }

    [Property(MaxTest = 30)]
    public void Distribution_counts_and_shares_equal_naive_LINQ(int seed)
    {
        var dimensions = new FactDimensions();
        foreach (var name in new[] { "product-fault", "service-experience", "complaint", "consultation" })
        {
            dimensions.Categories.Encode(name);
        }

        var facts = KpiEngineTests.RandomFacts(seed, 2_000);
        var rows = KpiAnalysis.Distribution(KpiEngineTests.Table(facts), dimensions, FactDimension.Category);
        var naive = facts.GroupBy(f => f.Category).Select(g => (Name: dimensions.Categories.Decode(g.Key), Tickets: (long)g.Count())).OrderByDescending(g => g.Tickets).ThenBy(g => g.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(naive, rows.Select(r => (r.Name, r.Tickets)));
        Assert.Equal(1, rows.Sum(r => r.Share), 9);
        Assert.Equal((double)naive[0].Tickets / facts.Length, rows[0].Share, 12);
    }

    [Fact]
    public void Frequent_problems_flag_three_months_in_a_row_in_the_top()
    {
        var dimensions = new FactDimensions();
        var battery = (byte)dimensions.Categories.Encode("battery");
        var screen = (byte)dimensions.Categories.Encode("screen");
        var install = (byte)dimensions.Categories.Encode("installation");
        var facts = new List<TicketFact>();
        void Add(int month, byte category, int count)
        {
            var minute = (int)(new LocalDateTime(2024, month, 10, 12, 0).InZoneStrictly(Shanghai).ToInstant() - TicketFact.Epoch).TotalMinutes;
            facts.AddRange(Enumerable.Repeat(new TicketFact { ReceivedMinute = minute, Category = category, RawFirstResponseSeconds = -1, RawHandlingSeconds = -1, RecommendationCode = 255, PriorityCode = 255 }, count));
        }

        // Top 2: battery leads January to March; screen is in the top in January and March but not February; installation only in February.
        Add(1, battery, 10); Add(1, screen, 5); Add(1, install, 1);
        Add(2, battery, 9); Add(2, install, 6); Add(2, screen, 2);
        Add(3, battery, 8); Add(3, screen, 7);
        Add(5, battery, 3); // April has no ticket: a gap breaks every run.
        var periods = KpiAnalysis.FrequentProblems(KpiEngineTests.Table(facts), dimensions, FactDimension.Category, top: 2, consecutivePeriods: 3, new KpiQuery { TimeZone = Shanghai });

        Assert.Equal([new LocalDate(2024, 1, 1), new LocalDate(2024, 2, 1), new LocalDate(2024, 3, 1), new LocalDate(2024, 4, 1), new LocalDate(2024, 5, 1)], periods.Select(p => p.PeriodStart));
        Assert.Equal([("battery", 1, 10L, 1, false), ("screen", 2, 5L, 1, false)], periods[0].Problems.Select(p => (p.Name, p.Rank, p.Tickets, p.ConsecutivePeriods, p.Persistent)));
        Assert.Equal([("battery", 3, true), ("screen", 1, false)], periods[2].Problems.Select(p => (p.Name, p.ConsecutivePeriods, p.Persistent)));
        Assert.Empty(periods[3].Problems);
        Assert.Equal([("battery", 1, false)], periods[4].Problems.Select(p => (p.Name, p.ConsecutivePeriods, p.Persistent)));
        Assert.Equal("top", Assert.Throws<ArgumentException>(() => KpiAnalysis.FrequentProblems(KpiEngineTests.Table(facts), dimensions, FactDimension.Category, top: 0)).ParamName);
        Assert.Equal("problem", Assert.Throws<ArgumentException>(() => KpiAnalysis.FrequentProblems(KpiEngineTests.Table(facts), dimensions, FactDimension.None)).ParamName);
        Assert.Empty(KpiAnalysis.FrequentProblems(new FactTable(), dimensions, FactDimension.Category | FactDimension.Product));
    }

    [Fact]
    public void Monthly_trend_fills_gaps_and_reports_month_over_month_change()
    {
        var facts = new List<TicketFact>();
        void Add(int month, int frtSeconds)
        {
            var minute = (int)(new LocalDateTime(2024, month, 15, 9, 0).InZoneStrictly(Shanghai).ToInstant() - TicketFact.Epoch).TotalMinutes;
            facts.Add(new TicketFact { ReceivedMinute = minute, RawFirstResponseSeconds = frtSeconds, RawHandlingSeconds = -1, RecommendationCode = 255, Team = (ushort)(month % 2) });
        }

        Add(1, 100); Add(1, 300); Add(2, 150); Add(4, 90);
        var series = Assert.Single(KpiAnalysis.Trend(KpiEngineTests.Table(facts), new KpiQuery { Period = KpiPeriod.Month, TimeZone = Shanghai }, KpiMetric.FirstResponseTime));
        Assert.Equal(-1, series.Key.Team);
        Assert.Equal(
            [(new LocalDate(2024, 1, 1), 2L, (double?)200, (double?)null), (new LocalDate(2024, 2, 1), 1L, 150, -50), (new LocalDate(2024, 3, 1), 0L, null, null), (new LocalDate(2024, 4, 1), 1L, 90, null)],
            series.Points.Select(p => (p.PeriodStart, p.Tickets, p.Value, p.Change)));

        var byTeam = KpiAnalysis.Trend(KpiEngineTests.Table(facts), new KpiQuery { Period = KpiPeriod.Month, TimeZone = Shanghai, GroupBy = FactDimension.Team }, KpiMetric.FirstResponseTime);
        Assert.Equal([0, 1], byTeam.Select(s => s.Key.Team));
        Assert.All(byTeam, s => Assert.Equal(4, s.Points.Count));
        Assert.Equal("query", Assert.Throws<ArgumentException>(() => KpiAnalysis.Trend(KpiEngineTests.Table(facts), new KpiQuery(), KpiMetric.CsatMean)).ParamName);
        Assert.Empty(KpiAnalysis.Trend(new FactTable(), new KpiQuery { Period = KpiPeriod.Month }, KpiMetric.CsatMean));
    }

    [Fact]
    public void Comparison_with_history_and_benchmark_knows_which_way_is_good()
    {
        var current = new KpiValues { Tickets = 100, FirstResponseMeanSeconds = 35, FirstContactResolutionRate = 0.78, ComplaintRate = 0.012 };
        var previous = new KpiValues { Tickets = 90, FirstResponseMeanSeconds = 40, FirstContactResolutionRate = 0.80, ComplaintRate = 0 };
        var rows = KpiAnalysis.Compare(current, previous, new Dictionary<KpiMetric, double> { [KpiMetric.FirstResponseTime] = 30, [KpiMetric.FirstContactResolution] = 0.75 },
            [KpiMetric.FirstResponseTime, KpiMetric.FirstContactResolution, KpiMetric.ComplaintRate, KpiMetric.CsatMean]);

        Assert.Equal(new KpiComparisonRow(KpiMetric.FirstResponseTime, 35, 40, 30, -5, -0.125, 5, true, false), rows[0]);
        Assert.Equal((true, false, true), (rows[1].Change < 0, rows[1].Improved, rows[1].BeatsBenchmark));
        Assert.Equal(0.012, rows[2].Change!.Value, 12);
        Assert.Null(rows[2].RelativeChange); // the previous rate was 0: no relative change, no NaN or infinity
        Assert.False(rows[2].Improved);
        Assert.Equal(new KpiComparisonRow(KpiMetric.CsatMean, null, null, null, null, null, null, null, null), rows[3]);
        Assert.All(KpiAnalysis.Compare(current, null, null, [KpiMetric.FirstResponseTime]), r => Assert.Null(r.Change));
        Assert.Equal(TargetDirection.AtMost, KpiAnalysis.DirectionOf(KpiMetric.CustomerEffortScore));
        Assert.Equal(TargetDirection.AtLeast, KpiAnalysis.DirectionOf(KpiMetric.NetPromoterScore));
        Assert.Throws<ArgumentOutOfRangeException>(() => KpiAnalysis.DirectionOf((KpiMetric)99));
        Assert.Equal("benchmarks", Assert.Throws<ArgumentException>(() => KpiAnalysis.Compare(current, null, new Dictionary<KpiMetric, double> { [KpiMetric.CsatMean] = double.NaN }, [KpiMetric.CsatMean])).ParamName);
    }

    [Fact]
    public void Dimension_codes_decode_to_names()
    {
        var dimensions = new FactDimensions();
        Assert.Equal(0, dimensions.Teams.Encode("technical-support"));
        Assert.Equal("technical-support", dimensions.NameOf(FactDimension.Team, 0));
        Assert.Equal("P1", dimensions.NameOf(FactDimension.Priority, 1));
        Assert.Equal("(none)", dimensions.NameOf(FactDimension.Priority, 255));
        Assert.Throws<ArgumentOutOfRangeException>(() => dimensions.NameOf(FactDimension.Team | FactDimension.Agent, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => dimensions.NameOf(FactDimension.Channel, 3));
    }
}
