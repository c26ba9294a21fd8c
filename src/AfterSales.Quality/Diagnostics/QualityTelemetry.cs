using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AfterSales.Quality.Diagnostics;

/// <summary>
/// The names under which the library publishes traces and metrics, for OpenTelemetry or any
/// <see cref="MeterListener"/> / <see cref="ActivityListener"/>: add the source and the meter by
/// these names (or call <c>AddAfterSalesQualityInstrumentation()</c> of the package AfterSales.Quality.OpenTelemetry).
/// The instruments are <see cref="QualityMetrics"/>'s; the core takes no OpenTelemetry dependency.
/// </summary>
public static class QualityTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>: <c>AfterSales.Quality</c>.</summary>
    public const string Name = "AfterSales.Quality";

    /// <summary>Counter of tickets registered (tag <c>channel</c>).</summary>
    public const string TicketsRegistered = "aftersales.tickets.registered";

    /// <summary>Counter of tickets resolved (tag <c>priority</c>).</summary>
    public const string TicketsResolved = "aftersales.tickets.resolved";

    /// <summary>Counter of ticket commands executed (tags <c>command</c>, <c>outcome</c>: applied, duplicate, rejected, conflict).</summary>
    public const string Commands = "aftersales.ticket.commands";

    /// <summary>Counter of SLA warnings raised (tag <c>target</c>).</summary>
    public const string SlaWarnings = "aftersales.sla.warnings";

    /// <summary>Counter of SLA breaches (tag <c>target</c>).</summary>
    public const string SlaBreaches = "aftersales.sla.breaches";

    /// <summary>Histogram of projection lag in feed positions (tag <c>projection</c>), recorded by the hosted service (<see cref="QualityMetrics.RecordProjectionLag"/>).</summary>
    public const string ProjectionLag = "aftersales.projection.lag";

    internal static readonly ActivitySource Source = new(Name, typeof(QualityTelemetry).Assembly.GetName().Version?.ToString());
}
