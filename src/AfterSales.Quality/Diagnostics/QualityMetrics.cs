using System.Diagnostics.Metrics;

namespace AfterSales.Quality.Diagnostics;

/// <summary>
/// The library's instruments on the meter <see cref="QualityTelemetry.Name"/> (<c>AfterSales.Quality</c>). With dependency
/// injection the meter is created through the host's <see cref="IMeterFactory"/> (so it is scoped to the host's service
/// provider, disposed with it, and visible to <c>MetricCollector</c> and OpenTelemetry through the factory); without it,
/// <see cref="Shared"/> is one process-wide meter. Pass an instance to <c>TicketService</c> and <c>SlaMonitor</c>.
/// Thread-safe.
/// </summary>
public sealed class QualityMetrics
{
    private static readonly string? Version = typeof(QualityMetrics).Assembly.GetName().Version?.ToString();

    /// <summary>Creates the instruments on a meter made by <paramref name="meterFactory"/>.</summary>
    /// <param name="meterFactory">The host's meter factory (registered by <c>Host.CreateApplicationBuilder</c>, or <c>services.AddMetrics()</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="meterFactory"/> is null.</exception>
    public QualityMetrics(IMeterFactory meterFactory)
        : this(Preconditions.CheckNotNull(meterFactory).Create(new MeterOptions(QualityTelemetry.Name) { Version = Version }))
    {
    }

    private QualityMetrics(Meter meter)
    {
        Meter = meter;
        Registered = meter.CreateCounter<long>(QualityTelemetry.TicketsRegistered, "{ticket}", "Tickets registered.");
        Resolved = meter.CreateCounter<long>(QualityTelemetry.TicketsResolved, "{ticket}", "Tickets resolved.");
        Commands = meter.CreateCounter<long>(QualityTelemetry.Commands, "{command}", "Ticket commands executed, by outcome.");
        SlaWarnings = meter.CreateCounter<long>(QualityTelemetry.SlaWarnings, "{warning}", "SLA warnings raised.");
        SlaBreaches = meter.CreateCounter<long>(QualityTelemetry.SlaBreaches, "{breach}", "SLA breaches.");
        ProjectionLag = meter.CreateHistogram<long>(QualityTelemetry.ProjectionLag, "{event}", "Events a projection was behind the feed when it caught up.");
        meter.CreateObservableGauge(QualityTelemetry.PendingErasures, QualityTelemetry.PendingErasureTotal, "{erasure}", "Erasure requests not yet done.");
    }

    /// <summary>The process-wide instruments, on a meter of no factory: what the library records on when no instance is passed.</summary>
    public static QualityMetrics Shared { get; } = new(new Meter(new MeterOptions(QualityTelemetry.Name) { Version = Version }));

    /// <summary>The meter (<see cref="QualityTelemetry.Name"/>).</summary>
    public Meter Meter { get; }

    internal Counter<long> Registered { get; }

    internal Counter<long> Resolved { get; }

    internal Counter<long> Commands { get; }

    internal Counter<long> SlaWarnings { get; }

    internal Counter<long> SlaBreaches { get; }

    private Histogram<long> ProjectionLag { get; }

    /// <summary>
    /// Records how far a projection was behind the feed when it caught up (<see cref="QualityTelemetry.ProjectionLag"/>,
    /// tag <c>projection</c>); the hosted service records it for the SLA due index at each scan.
    /// </summary>
    /// <param name="projection">The projection's name, e.g. <c>sla-due-index</c>; not blank.</param>
    /// <param name="events">Events it was behind; not negative.</param>
    /// <exception cref="ArgumentException"><paramref name="projection"/> is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="events"/> is negative.</exception>
    public void RecordProjectionLag(string projection, long events)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        ProjectionLag.Record(events, new KeyValuePair<string, object?>("projection", projection));
    }
}
