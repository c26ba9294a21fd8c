namespace AfterSales.Quality.Kpi;

/// <summary>
/// One KPI, defined once: its name, formula, direction, unit, default target and data source, and
/// how its value is computed from an aggregate's counters — factor × numerator / denominator, null
/// when the denominator is zero. Everything that shows a KPI (the measurement table, comparisons,
/// the report, the web sample's <c>/kpi</c>) reads this definition. The guides' KPIs are in
/// <see cref="KpiDefinitions"/>; a host adds its own with the public constructor over the counters
/// <see cref="KpiAggregate"/> exposes. Immutable; thread-safe.
/// </summary>
public sealed class KpiDefinition
{
    private readonly Func<KpiAggregate, long> numerator;
    private readonly Func<KpiAggregate, long> denominator;
    private readonly Func<KpiValues, double?>? valueIn;

    /// <summary>Defines a KPI over an aggregate's counters.</summary>
    /// <param name="name">A short unique name (e.g. <c>EscalationRate</c>).</param>
    /// <param name="title">The name a report shows (e.g. <c>Escalation rate</c>).</param>
    /// <param name="formula">The formula as the measurement table shows it.</param>
    /// <param name="direction">Whether lower (<see cref="TargetDirection.AtMost"/>) or higher (<see cref="TargetDirection.AtLeast"/>) is better.</param>
    /// <param name="unit">The unit of the value.</param>
    /// <param name="numerator">The numerator, from the aggregate's counters.</param>
    /// <param name="denominator">The denominator, from the aggregate's counters.</param>
    /// <param name="factor">Multiplies the ratio (100 for points); finite and not 0. Default 1.</param>
    /// <param name="defaultTarget">The target used when the host names none; null for none.</param>
    /// <param name="source">The data source, as the measurement table shows it. Default <c>ticket system</c>.</param>
    /// <param name="unitLabel">The unit as an API or export names it (e.g. <c>score 1-5</c>); default from <paramref name="unit"/>: seconds, fraction, score, points.</param>
    /// <exception cref="QualityValidationException">An argument is missing or invalid; every problem is named.</exception>
    public KpiDefinition(
        string name, string title, string formula, TargetDirection direction, KpiUnit unit,
        Func<KpiAggregate, long> numerator, Func<KpiAggregate, long> denominator, double factor = 1, double? defaultTarget = null, string source = "ticket system", string? unitLabel = null)
        : this(null, name, title, formula, direction, unit, numerator, denominator, factor, defaultTarget, source, valueIn: null, unitLabel)
    {
    }

    internal KpiDefinition(
        KpiMetric? metric, string name, string title, string formula, TargetDirection direction, KpiUnit unit,
        Func<KpiAggregate, long> numerator, Func<KpiAggregate, long> denominator, double factor, double? defaultTarget, string source, Func<KpiValues, double?>? valueIn, string? unitLabel = null)
    {
        var errors = new ValidationCollector(nameof(KpiDefinition));
        errors.Required(name, nameof(Name));
        errors.Required(title, nameof(Title));
        errors.Required(formula, nameof(Formula));
        errors.Required(source, nameof(Source));
        if (!Enum.IsDefined(direction))
        {
            errors.Add(nameof(Direction), $"must be AtMost or AtLeast; it was {direction}.");
        }

        if (!Enum.IsDefined(unit))
        {
            errors.Add(nameof(Unit), $"must be Seconds, Fraction, Score or Points; it was {unit}.");
        }

        if (numerator is null)
        {
            errors.Add("numerator", "is required.");
        }

        if (denominator is null)
        {
            errors.Add("denominator", "is required.");
        }

        if (!double.IsFinite(factor) || factor == 0)
        {
            errors.Add(nameof(Factor), $"must be a finite number other than 0; it was {factor}.");
        }

        if (defaultTarget is { } target && !double.IsFinite(target))
        {
            errors.Add(nameof(DefaultTarget), $"must be a finite number; it was {target}.");
        }

        if (unitLabel is not null && string.IsNullOrWhiteSpace(unitLabel))
        {
            errors.Add(nameof(UnitLabel), "must not be blank (leave it null for the unit's name).");
        }

        errors.ThrowIfAny();
        UnitLabel = unitLabel ?? unit switch { KpiUnit.Seconds => "seconds", KpiUnit.Fraction => "fraction", KpiUnit.Score => "score", _ => "points" };
        (Metric, Name, Title, Formula, Direction, Unit, Factor, DefaultTarget, Source) = (metric, name, title, formula, direction, unit, factor, defaultTarget, source);
        (this.numerator, this.denominator, this.valueIn) = (numerator!, denominator!, valueIn);
    }

    /// <summary>The guides' KPI this is; null for a KPI the host defined.</summary>
    public KpiMetric? Metric { get; }

    /// <summary>A short unique name.</summary>
    public string Name { get; }

    /// <summary>The name a report shows.</summary>
    public string Title { get; }

    /// <summary>The formula, as the measurement table shows it.</summary>
    public string Formula { get; }

    /// <summary>Whether lower or higher is better.</summary>
    public TargetDirection Direction { get; }

    /// <summary>The unit of the value.</summary>
    public KpiUnit Unit { get; }

    /// <summary>The unit as an API or export names it (e.g. <c>seconds</c>, <c>fraction</c>, <c>score 1-5</c>).</summary>
    public string UnitLabel { get; }

    /// <summary>Multiplies the ratio (100 for NPS points, else 1).</summary>
    public double Factor { get; }

    /// <summary>The target used when the host names none; null for none.</summary>
    public double? DefaultTarget { get; }

    /// <summary>The data source.</summary>
    public string Source { get; }

    /// <summary>The numerator of an aggregate.</summary>
    /// <param name="aggregate">The aggregate.</param>
    /// <returns>The numerator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="aggregate"/> is null.</exception>
    public long NumeratorOf(KpiAggregate aggregate) => numerator(Preconditions.CheckNotNull(aggregate));

    /// <summary>The denominator of an aggregate.</summary>
    /// <param name="aggregate">The aggregate.</param>
    /// <returns>The denominator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="aggregate"/> is null.</exception>
    public long DenominatorOf(KpiAggregate aggregate) => denominator(Preconditions.CheckNotNull(aggregate));

    /// <summary>The KPI's value in an aggregate: factor × numerator / denominator.</summary>
    /// <param name="aggregate">The aggregate.</param>
    /// <returns>The value; null when the denominator is 0 or the aggregate holds no counters (<see cref="KpiAggregate.HasCounters"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="aggregate"/> is null.</exception>
    public double? ValueOf(KpiAggregate aggregate)
    {
        Preconditions.CheckNotNull(aggregate);
        if (!aggregate.HasCounters)
        {
            return null;
        }

        var below = denominator(aggregate);
        return below == 0 ? null : Factor * numerator(aggregate) / below;
    }

    /// <summary>The KPI's value in computed values (the guides' KPIs only: a host's KPI needs the aggregate).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The value; null when there was no data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The KPI is not one of the guides' (use <see cref="ValueOf(KpiAggregate)"/>).</exception>
    public double? ValueOf(KpiValues values)
    {
        Preconditions.CheckNotNull(values);
        return valueIn is null
            ? throw new InvalidOperationException($"KPI '{Name}' is not one of the guides' KPIs: its value is computed from a KpiAggregate, not from KpiValues.")
            : valueIn(values);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
