using System.Diagnostics;
using NodaTime;

namespace AfterSales.Quality.Storage;

/// <summary>The in-memory store's dispatch ledger and lease (for tests and for several hosts in one process).</summary>
public sealed partial class InMemoryTicketStore : IDispatchLedger, ILeaseStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Instant> dispatched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Holder, long Token, long ExpiresAt)> leases = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> IsDispatchedAsync(string dispatchId, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckDispatchId(dispatchId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(dispatched.ContainsKey(dispatchId));
    }

    /// <inheritdoc />
    public ValueTask RecordDispatchedAsync(string dispatchId, Instant handledAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckDispatchId(dispatchId);
        cancellationToken.ThrowIfCancellationRequested();
        dispatched.TryAdd(dispatchId, handledAt);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> PruneDispatchedAsync(Instant handledBefore, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = 0;
        foreach (var (id, at) in dispatched)
        {
            if (at < handledBefore && dispatched.TryRemove(new KeyValuePair<string, Instant>(id, at)))
            {
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc />
    /// <remarks>Expiry is measured on the machine's monotonic clock (<see cref="Stopwatch"/>), not on a (fake) <see cref="IClock"/>.</remarks>
    public ValueTask<long?> TryAcquireLeaseAsync(string lease, string holder, Duration duration, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckLease(lease, holder, duration);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Stopwatch.GetTimestamp();
        var expires = now + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        lock (gate)
        {
            if (!leases.TryGetValue(lease, out var current))
            {
                leases[lease] = (holder, 1, expires);
                return ValueTask.FromResult<long?>(1);
            }

            if (current.Holder == holder)
            {
                leases[lease] = current with { ExpiresAt = expires };
                return ValueTask.FromResult<long?>(current.Token);
            }

            if (current.ExpiresAt <= now)
            {
                leases[lease] = (holder, current.Token + 1, expires);
                return ValueTask.FromResult<long?>(current.Token + 1);
            }

            return ValueTask.FromResult<long?>(null);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseLeaseAsync(string lease, string holder, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckLease(lease, holder, Duration.Epsilon);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (leases.TryGetValue(lease, out var current) && current.Holder == holder)
            {
                leases[lease] = current with { ExpiresAt = long.MinValue };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> AdvanceCheckpointAsync(string projection, long position, string lease, long fencingToken, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(projection);
        Preconditions.CheckArgument(position >= 0, nameof(position), $"'{nameof(position)}' must be 0 or more; it was {position}.");
        Preconditions.CheckNotBlank(lease);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!leases.TryGetValue(lease, out var current) || current.Token != fencingToken)
            {
                return ValueTask.FromResult(false);
            }

            checkpoints.AddOrUpdate(projection, position, (_, stored) => Math.Max(stored, position));
            return ValueTask.FromResult(true);
        }
    }
}
