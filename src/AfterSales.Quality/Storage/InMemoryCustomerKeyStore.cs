using System.Runtime.CompilerServices;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>An <see cref="ICustomerKeyStore"/> in memory (tests, and stores whose data dies with the process). Thread-safe.</summary>
public sealed class InMemoryCustomerKeyStore : ICustomerKeyStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<TicketId, CustomerKey> keys = [];
    private readonly Dictionary<TicketId, ErasureRequest> requests = [];

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<TicketId, CustomerKey>> GetAsync(IReadOnlyCollection<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(ticketIds);
        lock (gate)
        {
            IReadOnlyDictionary<TicketId, CustomerKey> found = ticketIds.Where(keys.ContainsKey).Distinct().ToDictionary(t => t, t => keys[t]);
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<CustomerKey> AddIfAbsentAsync(CustomerKey candidate, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckCandidate(candidate);
        lock (gate)
        {
            return ValueTask.FromResult(keys.TryAdd(candidate.TicketId, candidate) ? candidate : keys[candidate.TicketId]);
        }
    }

    /// <inheritdoc />
    public ValueTask RewrapAsync(TicketId ticketId, string dataKeyId, string wrappedKey, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(wrappedKey);
        lock (gate)
        {
            if (keys.TryGetValue(ticketId, out var key) && key.IsUsable && key.DataKeyId == dataKeyId)
            {
                keys[ticketId] = key with { WrappedKey = wrappedKey };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerKey> ListUsableAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CustomerKey[] usable;
        lock (gate)
        {
            usable = [.. keys.Values.Where(k => k.IsUsable)];
        }

        foreach (var key in usable)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask RequestErasureAsync(ErasureRequest request, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckRequest(request);
        lock (gate)
        {
            if (requests.TryAdd(request.TicketId, request with { Stage = ErasureStage.Requested }))
            {
                keys[request.TicketId] = keys.TryGetValue(request.TicketId, out var key)
                    ? key with { Stage = ErasureStage.Requested }
                    : new CustomerKey(request.TicketId, "0000000000000000", null, ErasureStage.Requested);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DestroyKeyAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (keys.TryGetValue(ticketId, out var key))
            {
                var stage = key.Stage < ErasureStage.KeysDestroyed ? ErasureStage.KeysDestroyed : key.Stage;
                keys[ticketId] = key with { WrappedKey = null, Stage = stage };
                if (requests.TryGetValue(ticketId, out var request))
                {
                    requests[ticketId] = request with { Stage = stage };
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteErasureAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (requests.TryGetValue(ticketId, out var request))
            {
                requests[ticketId] = request with { Stage = ErasureStage.Done };
                keys[ticketId] = keys[ticketId] with { Stage = ErasureStage.Done };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ErasureRequest>> ListPendingErasuresAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            IReadOnlyList<ErasureRequest> pending = [.. requests.Values.Where(r => r.Stage != ErasureStage.Done).OrderBy(r => r.RequestedAt)];
            return ValueTask.FromResult(pending);
        }
    }
}

/// <summary>Argument checks every <see cref="ICustomerKeyStore"/> makes the same way.</summary>
public static class CustomerKeyArguments
{
    /// <summary>Checks a key about to be added.</summary>
    /// <param name="candidate">The key.</param>
    /// <exception cref="ArgumentException">It is not a new usable key.</exception>
    public static void CheckCandidate(CustomerKey candidate)
    {
        Preconditions.CheckNotNull(candidate);
        Preconditions.CheckArgument(candidate.DataKeyId is { Length: 16 } id && id.All(char.IsAsciiHexDigitLower), nameof(candidate), "CustomerKey.DataKeyId must be 16 lower-case hex digits.");
        Preconditions.CheckArgument(!string.IsNullOrEmpty(candidate.WrappedKey), nameof(candidate), "CustomerKey.WrappedKey is required for a new key.");
        Preconditions.CheckArgument(candidate.Stage == ErasureStage.None, nameof(candidate), "CustomerKey.Stage must be None for a new key.");
    }

    /// <summary>Checks a blind index key about to be added (<see cref="IBlindIndexKeyStore.AddIndexKeyIfAbsentAsync"/>).</summary>
    /// <param name="candidate">The key.</param>
    /// <exception cref="ArgumentException">Its id is not 16 lower-case hex digits, or it is not wrapped.</exception>
    public static void CheckIndexKey(BlindIndexKey candidate)
    {
        Preconditions.CheckNotNull(candidate);
        Preconditions.CheckArgument(candidate.KeyId is { Length: 16 } id && id.All(char.IsAsciiHexDigitLower), nameof(candidate), "BlindIndexKey.KeyId must be 16 lower-case hex digits.");
        Preconditions.CheckArgument(!string.IsNullOrEmpty(candidate.WrappedKey), nameof(candidate), "BlindIndexKey.WrappedKey is required.");
    }

    /// <summary>Checks an erasure request.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ArgumentException">A field is missing.</exception>
    public static void CheckRequest(ErasureRequest request)
    {
        Preconditions.CheckNotNull(request);
        Preconditions.CheckArgument(!string.IsNullOrWhiteSpace(request.Actor), nameof(request), "ErasureRequest.Actor is required.");
        Preconditions.CheckArgument(!string.IsNullOrWhiteSpace(request.Reason), nameof(request), "ErasureRequest.Reason is required.");
        Preconditions.CheckArgument(request.CommandId != Guid.Empty, nameof(request), "ErasureRequest.CommandId is required.");
    }
}

/// <summary>Master key rotation: re-wraps every usable data key with the provider's current master key, so the old master key can be retired.</summary>
public static class CustomerKeyRotation
{
    /// <summary>
    /// Re-wraps every usable key — and the customer-number blind index key when the key store keeps one
    /// (<see cref="IBlindIndexKeyStore"/>) — with <paramref name="masterKeys"/>' current key. The provider must
    /// still hold the old keys. Once this returns, remove the old master keys: every wrapped key left
    /// behind in WAL segments, dead tuples or backups (including those of erased customers) then
    /// unwraps with no key anyone holds.
    /// </summary>
    /// <param name="keys">The key store.</param>
    /// <param name="masterKeys">The provider, current key = the new one.</param>
    /// <param name="cancellationToken">Cancels the rotation (what is re-wrapped stays re-wrapped).</param>
    /// <returns>How many data keys were re-wrapped (the blind index key, re-wrapped too when <paramref name="keys"/> keeps one, is not counted).</returns>
    public static async Task<int> RewrapAllAsync(ICustomerKeyStore keys, IMasterKeyProvider masterKeys, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(keys);
        Preconditions.CheckNotNull(masterKeys);
        if (keys is IBlindIndexKeyStore index && await index.GetIndexKeyAsync(cancellationToken).ConfigureAwait(false) is { } indexKey)
        {
            var plainIndexKey = await masterKeys.UnwrapAsync(indexKey.WrappedKey, indexKey.WrapContext(), cancellationToken).ConfigureAwait(false);
            var rewrapped = await masterKeys.WrapAsync(plainIndexKey, indexKey.WrapContext(), cancellationToken).ConfigureAwait(false);
            await index.RewrapIndexKeyAsync(indexKey.KeyId, rewrapped, cancellationToken).ConfigureAwait(false);
        }

        var count = 0;
        await foreach (var key in keys.ListUsableAsync(cancellationToken).ConfigureAwait(false))
        {
            var plain = await masterKeys.UnwrapAsync(key.WrappedKey!, key.WrapContext(), cancellationToken).ConfigureAwait(false);
            var wrapped = await masterKeys.WrapAsync(plain, key.WrapContext(), cancellationToken).ConfigureAwait(false);
            await keys.RewrapAsync(key.TicketId, key.DataKeyId, wrapped, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }
}
