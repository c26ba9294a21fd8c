using AfterSales.Quality.Diagnostics;
using OpenTelemetry.Metrics;

namespace AfterSales.Quality.OpenTelemetry;

/// <summary>Adds the library's meter to an OpenTelemetry meter provider.</summary>
public static class MeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects the meter <see cref="QualityTelemetry.Name"/> (<c>AfterSales.Quality</c>): <c>aftersales.tickets.registered</c>
    /// (tag <c>channel</c>), <c>aftersales.tickets.resolved</c> (<c>priority</c>), <c>aftersales.ticket.commands</c>
    /// (<c>command</c>, <c>outcome</c>), <c>aftersales.sla.warnings</c> / <c>aftersales.sla.breaches</c> (<c>target</c>) and the
    /// histogram <c>aftersales.projection.lag</c> (<c>projection</c>). The meter comes from the host's <c>IMeterFactory</c>
    /// with dependency injection, from <see cref="QualityMetrics.Shared"/> without; the provider listens to both by name.
    /// </summary>
    /// <param name="builder">The meter provider builder (<c>services.AddOpenTelemetry().WithMetrics(m =&gt; ...)</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static MeterProviderBuilder AddAfterSalesQualityInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(QualityTelemetry.Name);
    }
}
