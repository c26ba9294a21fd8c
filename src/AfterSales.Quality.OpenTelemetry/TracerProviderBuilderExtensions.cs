using AfterSales.Quality.Diagnostics;
using OpenTelemetry.Trace;

namespace AfterSales.Quality.OpenTelemetry;

/// <summary>Adds the library's activity source to an OpenTelemetry tracer provider.</summary>
public static class TracerProviderBuilderExtensions
{
    /// <summary>
    /// Collects the activity source <see cref="QualityTelemetry.Name"/> (<c>AfterSales.Quality</c>): one internal activity per
    /// ticket command, <c>ticket {Command}</c>, tagged <c>aftersales.ticket.id</c>, <c>aftersales.command</c> and
    /// <c>aftersales.outcome</c> (applied, duplicate), with an error status for a refused or conflicting command. The activity
    /// is a child of the caller's (an ASP.NET Core request's), so a command shows inside the request that sent it.
    /// </summary>
    /// <param name="builder">The tracer provider builder (<c>services.AddOpenTelemetry().WithTracing(t =&gt; ...)</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static TracerProviderBuilder AddAfterSalesQualityInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(QualityTelemetry.Name);
    }
}
