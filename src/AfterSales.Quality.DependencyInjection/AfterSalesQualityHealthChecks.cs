using AfterSales.Quality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>Registers the library's health checks: <c>builder.Services.AddHealthChecks().AddAfterSalesQuality()</c>.</summary>
public static class AfterSalesQualityHealthCheckBuilderExtensions
{
    /// <summary>The name of the store check.</summary>
    public const string StoreCheckName = "aftersales-quality-store";

    /// <summary>The name of the projection-lag check.</summary>
    public const string ProjectionCheckName = "aftersales-quality-projections";

    /// <summary>
    /// Adds two checks. <c>aftersales-quality-store</c>: the ticket store is open and answers a read of the feed's
    /// end (Unhealthy otherwise, with the error). <c>aftersales-quality-projections</c>: the background scan keeps
    /// its SLA due index caught up — Degraded before its first scan, when the last completed scan is older than
    /// three scan intervals, or when the index is <paramref name="maxLagEvents"/> or more events behind the feed
    /// (counted up to that bound); Unhealthy when the last scan failed.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="maxLagEvents">Events the SLA due index may be behind the feed before the check is Degraded (1–1,000,000). Default 1,000.</param>
    /// <param name="tags">Tags for both checks (e.g. <c>ready</c>), to filter them in a health endpoint.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLagEvents"/> is out of range.</exception>
    public static IHealthChecksBuilder AddAfterSalesQuality(this IHealthChecksBuilder builder, int maxLagEvents = 1_000, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLagEvents, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLagEvents, 1_000_000);
        var tagList = tags?.ToArray() ?? [];
        builder.Add(new HealthCheckRegistration(StoreCheckName, sp => new TicketStoreHealthCheck(sp), HealthStatus.Unhealthy, tagList));
        builder.Add(new HealthCheckRegistration(ProjectionCheckName, sp => new ProjectionLagHealthCheck(sp, maxLagEvents), HealthStatus.Unhealthy, tagList));
        return builder;
    }
}

/// <summary>The store is open and answers a read.</summary>
internal sealed class TicketStoreHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<StoreOpener>() is { IsOpen: false } opener)
        {
            return HealthCheckResult.Unhealthy($"The ticket store ({opener.StoreType.Name}) is not open yet: it opens while the host starts.");
        }

        var store = services.GetService<ITicketStore>();
        if (store is null)
        {
            return HealthCheckResult.Unhealthy("No ticket store is registered.");
        }

        try
        {
            // One round trip that reads nothing: the feed after its last possible position.
            await foreach (var _ in store.ReadFeedAsync(long.MaxValue - 1, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            return HealthCheckResult.Healthy($"The ticket store ({store.GetType().Name}) answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The ticket store ({store.GetType().Name}) does not answer: {ex.Message}", ex);
        }
    }
}

/// <summary>The background scan's SLA due index keeps up with the feed.</summary>
internal sealed class ProjectionLagHealthCheck(IServiceProvider services, int maxLagEvents) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var progress = services.GetRequiredService<ProjectionProgress>().Current;
        var clock = services.GetRequiredService<IClock>();
        // The scan interval in force: a live configuration change applies to the scan's next wait, and so to this check.
        var interval = (services.GetService<OptionsReload>()?.Current ?? services.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value).ScanInterval;
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["position"] = progress.Position };
        if (progress.LastError is { } error)
        {
            return HealthCheckResult.Unhealthy($"The last background scan failed at {progress.FailedAt}: {error.Message}", error, data);
        }

        if (progress.StandbySince is { } standby)
        {
            data["standbySince"] = standby.ToString();
            return HealthCheckResult.Healthy("Another node holds the background-work lease; this one is on standby.", data);
        }

        if (progress.CompletedAt is not { } completed)
        {
            return HealthCheckResult.Degraded("The background scan has not completed its first scan yet.", data: data);
        }

        data["lastScan"] = completed.ToString();
        var age = clock.GetCurrentInstant() - completed;
        if (age > Duration.FromTimeSpan(interval) * 3)
        {
            return HealthCheckResult.Degraded($"The last background scan completed {age.ToTimeSpan()} ago, more than three scan intervals ({interval}).", data: data);
        }

        var behind = 0;
        if (services.GetService<StoreOpener>() is not { IsOpen: false } && services.GetService<ITicketStore>() is { } store)
        {
            try
            {
                await foreach (var _ in store.ReadFeedAsync(progress.Position, cancellationToken).ConfigureAwait(false))
                {
                    if (++behind >= maxLagEvents)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"The feed cannot be read: {ex.Message}", ex, data);
            }
        }

        data["behind"] = behind;
        return behind >= maxLagEvents
            ? HealthCheckResult.Degraded($"The SLA due index is {maxLagEvents} or more events behind the feed (at position {progress.Position}).", data: data)
            : HealthCheckResult.Healthy($"The SLA due index is {behind} event(s) behind the feed (at position {progress.Position}).", data);
    }
}
