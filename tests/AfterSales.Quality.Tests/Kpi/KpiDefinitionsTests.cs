using AfterSales.Quality.Kpi;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class KpiDefinitionsTests
{
    /// <summary>A KPI the guides do not define, added by a host as one entry over an existing counter.</summary>
    private static readonly KpiDefinition EscalationRate = new(
        "EscalationRate", "Escalation rate", "escalated tickets / tickets × 100 %", TargetDirection.AtMost, KpiUnit.Fraction,
        a => a.Escalated, a => a.Tickets, defaultTarget: 0.10);

    [Fact]
    public void Every_metric_has_one_definition_in_enum_order()
    {
        var metrics = Enum.GetValues<KpiMetric>();
        Assert.Equal(metrics, KpiDefinitions.All.Select(d => d.Metric!.Value));
        Assert.All(metrics, m => Assert.Same(KpiDefinitions.All[(int)m], KpiDefinitions.Of(m)));
        Assert.Equal(KpiDefinitions.All.Count, KpiDefinitions.All.Select(d => d.Name).Distinct().Count());
        Assert.All(KpiDefinitions.All, d => Assert.Equal(d.Metric.ToString(), d.Name));
        Assert.Equal("metric", Assert.Throws<ArgumentOutOfRangeException>(() => KpiDefinitions.Of((KpiMetric)99)).ParamName);
    }

    [Property(MaxTest = 80)]
    public bool A_definitions_value_from_the_counters_is_the_value_the_aggregate_reports(int seed, byte count)
    {
        var aggregate = KpiEngine.Aggregate(KpiEngineTests.Table(KpiEngineTests.RandomFacts(seed, count)), new KpiQuery()).SingleOrDefault()?.Aggregate ?? new KpiAggregate();
        var values = aggregate.ToValues();
        return KpiDefinitions.All.All(d =>
        {
            var below = d.DenominatorOf(aggregate);
            double? naive = below == 0 ? null : d.Factor * d.NumeratorOf(aggregate) / below;
            return Equals(d.ValueOf(aggregate), d.ValueOf(values)) && Equals(naive, d.ValueOf(aggregate));
        });
    }

    [Fact]
    public void The_default_targets_are_the_guides()
    {
        Assert.Equal(
            [
                (KpiMetric.FirstResponseTime, TargetDirection.AtMost, 7200.0, "ticket system"),
                (KpiMetric.FirstContactResolution, TargetDirection.AtLeast, 0.85, "ticket system"),
                (KpiMetric.ResolutionRate, TargetDirection.AtLeast, 0.95, "ticket system"),
                (KpiMetric.CsatSatisfiedShare, TargetDirection.AtLeast, 0.90, "survey"),
                (KpiMetric.ComplaintRate, TargetDirection.AtMost, 0.01, "ticket system"),
                (KpiMetric.FirstResponseSlaAttainment, TargetDirection.AtLeast, 0.95, "ticket system"),
                (KpiMetric.ResolutionSlaAttainment, TargetDirection.AtLeast, 0.90, "ticket system"),
                (KpiMetric.ReopenRate, TargetDirection.AtMost, 0.05, "ticket system"),
                (KpiMetric.RevisitOnTime, TargetDirection.AtLeast, 0.95, "revisit records"),
            ],
            KpiDefinitions.DefaultTargets.Select(t => (t.Metric!.Value, t.Direction, t.Value, t.Source)));
    }

    [Fact]
    public void A_host_adds_a_kpi_as_one_entry_and_it_reaches_the_measurement_table()
    {
        var facts = KpiEngineTests.RandomFacts(7, 500);
        var aggregate = KpiEngine.Aggregate(KpiEngineTests.Table(facts), new KpiQuery()).Single().Aggregate;
        var targets = KpiDefinitions.DefaultTargets.Append(new KpiTarget(EscalationRate, EscalationRate.DefaultTarget!.Value)).ToArray();

        var rows = KpiMeasurementTable.Build(aggregate, targets);

        var row = rows[^1];
        var expected = (double)facts.Count(f => f.Has(FactFlags.Escalated)) / facts.Length;
        Assert.Equal(("EscalationRate", (KpiMetric?)null, "escalated tickets / tickets × 100 %", "ticket system"), (row.Name, row.Metric, row.Formula, row.Source));
        Assert.Equal(expected, row.Actual!.Value, 12);
        Assert.Equal(expected <= 0.10, row.Met);
        Assert.Equal(KpiMeasurementTable.Build(aggregate.ToValues(), KpiDefinitions.DefaultTargets), rows.Take(rows.Count - 1));

        // From KpiValues only the guides' KPIs can be computed; the error names the target.
        var refused = Assert.Throws<ArgumentException>(() => KpiMeasurementTable.Build(aggregate.ToValues(), targets));
        Assert.Contains($"targets[{targets.Length - 1}]", refused.Message);
        Assert.Throws<InvalidOperationException>(() => EscalationRate.ValueOf(aggregate.ToValues()));
    }

    [Fact]
    public void A_bad_definition_is_refused_naming_every_field()
    {
        var error = Assert.Throws<QualityValidationException>(() => new KpiDefinition(
            " ", "", "f", (TargetDirection)7, (KpiUnit)9, null!, a => a.Tickets, factor: double.NaN, defaultTarget: double.PositiveInfinity, source: "", unitLabel: " "));
        Assert.Equal(
            ["Name", "Title", "Source", "Direction", "Unit", "numerator", "Factor", "DefaultTarget", "UnitLabel"],
            error.Errors.Select(e => e.Field.Split('.')[^1]));
    }

    [Fact]
    public void Without_counters_or_data_a_kpi_has_no_value()
    {
        Assert.Null(KpiDefinitions.FirstContactResolution.ValueOf(new KpiAggregate()));
        var lean = KpiEngine.Aggregate(KpiEngineTests.Table(KpiEngineTests.RandomFacts(3, 50)), new KpiQuery { WithCounters = false, WithPercentiles = true }).Single().Aggregate;
        Assert.All(KpiDefinitions.All, d => Assert.Null(d.ValueOf(lean)));
        Assert.Null(EscalationRate.ValueOf(lean));
    }
}
