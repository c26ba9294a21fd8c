using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

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

    /// <summary>
    /// Observable gauge of erasure requests not yet done (interrupted erasures that <c>TicketService.ResumeErasuresAsync</c>
    /// finishes), summed over the key stores this process serves; refreshed by <c>TicketService.CountPendingErasuresAsync</c>
    /// and <c>ResumeErasuresAsync</c> (the hosted service: at start-up and at every scan).
    /// </summary>
    public const string PendingErasures = "aftersales.erasures.pending";

    internal static readonly ActivitySource Source = new(Name, typeof(QualityTelemetry).Assembly.GetName().Version?.ToString());
    // The last count read per key store (weakly held: a disposed store drops out of the sum); every QualityMetrics'
    // gauge reads the sum.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, StrongBox<long>> PendingErasureCounts = [];

    /// <summary>Sets the pending-erasure count of one key store.</summary>
    internal static void SetPendingErasures(object keyStore, long count) => PendingErasureCounts.AddOrUpdate(keyStore, new StrongBox<long>(count));

    /// <summary>The pending erasures of every key store this process serves.</summary>
    internal static long PendingErasureTotal() => PendingErasureCounts.Sum(p => Volatile.Read(ref p.Value.Value));
}
