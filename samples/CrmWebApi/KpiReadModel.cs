using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace CrmWebApi;

/// <summary>
/// The KPI read model of the host: one <see cref="TicketFactProjection"/> for the process (a singleton),
/// caught up with the store's feed and measured at the current instant before each query. The projection
/// is not thread-safe, so refresh and query run under one <see cref="SemaphoreSlim"/>.
/// </summary>
public sealed class KpiReadModel(ITicketStore store, IOptions<AfterSalesQualityOptions> options, IClock clock) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TicketFactProjection projection = options.Value.ToTicketFactProjection(store); // the desk's policies and zone

    /// <summary>Refreshes the projection, then runs a query on it, under the lock.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="query">Reads the projection (facts and dimension names); must not keep references to the facts.</param>
    /// <param name="cancellationToken">Cancels the wait and the refresh.</param>
    /// <returns>The query's result.</returns>
    public async Task<T> QueryAsync<T>(Func<TicketFactProjection, Instant, T> query, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetCurrentInstant();
            if (projection.MeasuredAt is { } last && now < last)
            {
                now = last; // the system clock stepped back: measure at the last instant again
            }

            await projection.RefreshAsync(now, cancellationToken);
            return query(projection, now);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
