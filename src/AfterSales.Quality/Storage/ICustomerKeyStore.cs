using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Storage;

/// <summary>Where an erasure request is (<see cref="ICustomerKeyStore"/>): requested → keys destroyed → done.</summary>
public enum ErasureStage
{
    /// <summary>No erasure was requested: the data key is in use.</summary>
    None = 0,

    /// <summary>Requested and irrevocable: the key is no longer used (reads show <see cref="PersonalDataErased.Placeholder"/>) but is not destroyed yet.</summary>
    Requested = 1,

    /// <summary>The data key is destroyed: every copy of the customer's data is undecryptable.</summary>
    KeysDestroyed = 2,

    /// <summary>The erasure is recorded in the ticket's history and the stored data is rewritten: nothing is left to do.</summary>
    Done = 3,
}

/// <summary>
/// The stored data key of one customer registration (a ticket): its id (written in every value it
/// encrypts), the key wrapped by a master key (null once destroyed), and the erasure stage.
/// </summary>
/// <param name="TicketId">The ticket whose customer data the key encrypts.</param>
/// <param name="DataKeyId">The key's id: 16 lower-case hex digits, random.</param>
/// <param name="WrappedKey">The key wrapped by <see cref="Privacy.IMasterKeyProvider"/>; null once destroyed.</param>
/// <param name="Stage">Where an erasure is.</param>
public sealed record CustomerKey(TicketId TicketId, string DataKeyId, string? WrappedKey, ErasureStage Stage)
{
    /// <summary>Whether the key may be used to encrypt or decrypt (no erasure was requested and it is not destroyed).</summary>
    public bool IsUsable => Stage == ErasureStage.None && WrappedKey is not null;

    /// <summary>The context a data key is wrapped with: binds a wrapped key to its ticket and id.</summary>
    /// <returns><c>{ticketId}/{dataKeyId}</c>.</returns>
    public string WrapContext() => $"{TicketId}/{DataKeyId}";
}

/// <summary>An erasure request as the key store keeps it, so an interrupted erasure is resumed with the same command.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="CommandId">The <see cref="EraseCustomerData"/> command's id (the resumption replays it; it is idempotent).</param>
/// <param name="Actor">Who asked.</param>
/// <param name="Reason">The request's reference.</param>
/// <param name="RequestedAt">When.</param>
/// <param name="Stage">Where it is.</param>
public sealed record ErasureRequest(TicketId TicketId, Guid CommandId, string Actor, string Reason, Instant RequestedAt, ErasureStage Stage);

/// <summary>
/// Keeps the customers' data keys (one per ticket), wrapped, and the erasure requests (crypto-shredding):
/// destroying a key makes every copy of the data it encrypted — WAL, free pages, dead tuples,
/// replicas, backups — undecryptable at once. Implementations must be thread-safe and durable; each
/// method is atomic.
/// </summary>
public interface ICustomerKeyStore
{
    /// <summary>The stored keys of the given tickets (tickets without a key are left out).</summary>
    /// <param name="ticketIds">The tickets.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys by ticket.</returns>
    ValueTask<IReadOnlyDictionary<TicketId, CustomerKey>> GetAsync(IReadOnlyCollection<TicketId> ticketIds, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="candidate"/> unless the ticket has a key (or an erasure) already; returns what is stored.</summary>
    /// <param name="candidate">A new key (stage <see cref="ErasureStage.None"/>, wrapped).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored key: the candidate, or the one another writer stored first.</returns>
    ValueTask<CustomerKey> AddIfAbsentAsync(CustomerKey candidate, CancellationToken cancellationToken = default);

    /// <summary>Replaces the wrapping of a usable key (master key rotation); does nothing if it was destroyed meanwhile.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="dataKeyId">The key's id.</param>
    /// <param name="wrappedKey">The key wrapped by the current master key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the wrapping is replaced.</returns>
    ValueTask RewrapAsync(TicketId ticketId, string dataKeyId, string wrappedKey, CancellationToken cancellationToken = default);

    /// <summary>Every stored key that is still usable, for rotation.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys.</returns>
    IAsyncEnumerable<CustomerKey> ListUsableAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an erasure request (stage <see cref="ErasureStage.Requested"/>; a ticket without a key gets a
    /// key record with no key). From then on the key is never used again. Idempotent: a later request
    /// for the same ticket keeps the first one and its stage.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the request is durable.</returns>
    ValueTask RequestErasureAsync(ErasureRequest request, CancellationToken cancellationToken = default);

    /// <summary>Destroys the ticket's data key (its wrapped form is overwritten) and moves its erasure to <see cref="ErasureStage.KeysDestroyed"/> (if it was not further already).</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the key is gone.</returns>
    ValueTask DestroyKeyAsync(TicketId ticketId, CancellationToken cancellationToken = default);

    /// <summary>Marks the ticket's erasure <see cref="ErasureStage.Done"/>.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the mark is durable.</returns>
    ValueTask CompleteErasureAsync(TicketId ticketId, CancellationToken cancellationToken = default);

    /// <summary>The erasure requests that are not <see cref="ErasureStage.Done"/>, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending requests.</returns>
    ValueTask<IReadOnlyList<ErasureRequest>> ListPendingErasuresAsync(CancellationToken cancellationToken = default);
}

/// <summary>A ticket store that encrypts customer data with per-ticket keys: <see cref="Service.TicketService"/> drives erasures through its key store.</summary>
public interface ICustomerKeyHolder
{
    /// <summary>The store's customer keys; null when the store does not shred (plain text or one shared key).</summary>
    ICustomerKeyStore? CustomerKeys { get; }
}
