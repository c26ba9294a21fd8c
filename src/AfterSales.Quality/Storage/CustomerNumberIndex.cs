using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// An optional store capability: finds the tickets registered with a customer number without reading the whole feed.
/// <see cref="Service.TicketService.EraseCustomerAsync(string, string, string, System.Threading.CancellationToken)"/> and <see cref="Service.CustomerDataExporter"/> use it when the
/// store offers it and it answers; otherwise they read the registrations of the whole feed. The SQLite and PostgreSQL
/// stores implement it with a blind index (<see cref="CustomerNumberBlindIndex"/>, schema version 9) when they encrypt
/// with <c>MasterKeys</c>.
/// </summary>
public interface ICustomerNumberLookup
{
    /// <summary>
    /// The tickets registered with <paramref name="customerNumber"/> (compared exactly, ordinal, against the decrypted
    /// registration), in registration (feed) order; a ticket whose erasure was requested never matches. Exactly what
    /// reading every registration of the feed would find.
    /// </summary>
    /// <param name="customerNumber">The customer number; not blank.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tickets; null when this store keeps no index (it does not encrypt with per-customer keys): read the feed instead.</returns>
    /// <exception cref="ArgumentException"><paramref name="customerNumber"/> is blank.</exception>
    ValueTask<IReadOnlyList<TicketId>?> FindByCustomerNumberAsync(string customerNumber, CancellationToken cancellationToken = default);
}

/// <summary>The key of a blind index, as stored: its id and the key wrapped by a master key (<see cref="IMasterKeyProvider"/>).</summary>
/// <param name="KeyId">The key's id: 16 lower-case hex digits, random.</param>
/// <param name="WrappedKey">The 32-byte key wrapped by the master key, bound to <see cref="WrapContext"/>.</param>
public sealed record BlindIndexKey(string KeyId, string WrappedKey)
{
    /// <summary>The context the key is wrapped with: <c>customer-number-index/{keyId}</c> (never a ticket's context).</summary>
    /// <returns>The context.</returns>
    public string WrapContext() => $"customer-number-index/{KeyId}";
}

/// <summary>
/// Keeps the key of the customer-number blind index, wrapped by the master key, beside the customers' data keys. A key
/// store that implements it gets the index key re-wrapped by <see cref="CustomerKeyRotation.RewrapAllAsync"/> with the
/// data keys. The key is never destroyed by an erasure: an erasure deletes the ticket's index entry instead.
/// Implementations must be thread-safe and durable; each method is atomic.
/// </summary>
public interface IBlindIndexKeyStore
{
    /// <summary>The stored index key, or null when none was created yet.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The key.</returns>
    ValueTask<BlindIndexKey?> GetIndexKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="candidate"/> unless an index key is stored already; returns what is stored.</summary>
    /// <param name="candidate">A new key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored key: the candidate, or the one another writer stored first.</returns>
    ValueTask<BlindIndexKey> AddIndexKeyIfAbsentAsync(BlindIndexKey candidate, CancellationToken cancellationToken = default);

    /// <summary>Replaces the wrapping of the index key (master key rotation); does nothing when <paramref name="keyId"/> is not the stored key.</summary>
    /// <param name="keyId">The key's id.</param>
    /// <param name="wrappedKey">The key wrapped by the current master key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the wrapping is replaced.</returns>
    ValueTask RewrapIndexKeyAsync(string keyId, string wrappedKey, CancellationToken cancellationToken = default);
}

/// <summary>
/// The blind index of customer numbers: HMAC-SHA256 of the normalised number (full-width forms folded to ASCII, ASCII
/// letters upper-cased, surrounding blanks trimmed — by a fixed table, the same on every host) under one random 256-bit index key, which the <see cref="IBlindIndexKeyStore"/> keeps wrapped
/// by the master key like the data keys. An index entry reads <c>{64 hex digits}</c>; it tells equal numbers apart from
/// different ones to whoever holds the index key, and nothing to anyone else (a number cannot be enumerated against it
/// without the key). The normalisation only makes the index find more candidates; stores compare the decrypted number
/// exactly before answering. Thread-safe; the unwrapped index key is kept in memory after its first use.
/// </summary>
public sealed class CustomerNumberBlindIndex
{
    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("aftersales/customer-number/v1\0");
    private readonly IBlindIndexKeyStore keys;
    private readonly IMasterKeyProvider masterKeys;
    private byte[]? key;

    /// <summary>Creates the index.</summary>
    /// <param name="keys">Where the index key is kept.</param>
    /// <param name="masterKeys">Wraps the index key.</param>
    public CustomerNumberBlindIndex(IBlindIndexKeyStore keys, IMasterKeyProvider masterKeys)
    {
        this.keys = Preconditions.CheckNotNull(keys);
        this.masterKeys = Preconditions.CheckNotNull(masterKeys);
    }

    /// <summary>The index entry of a customer number (creating the index key at its first use).</summary>
    /// <param name="customerNumber">The number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>64 lower-case hex digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="customerNumber"/> is null.</exception>
    public async ValueTask<string> HashAsync(string customerNumber, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(customerNumber);
        var indexKey = Volatile.Read(ref key) ?? await OpenKeyAsync(cancellationToken).ConfigureAwait(false);
        var normalized = Encoding.UTF8.GetBytes(Normalize(customerNumber));
        var message = new byte[Domain.Length + normalized.Length];
        Domain.CopyTo(message, 0);
        normalized.CopyTo(message, Domain.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(indexKey, message));
    }

    /// <summary>
    /// The index entries of the registrations among events about to be stored: one per registration with a customer
    /// number that is stored (not the erasure placeholder).
    /// </summary>
    /// <param name="events">The events as given (in clear).</param>
    /// <param name="stored">The same events as they will be stored (encrypted), in the same order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The position in <paramref name="events"/> of each registration with its entry.</returns>
    public async ValueTask<IReadOnlyList<(int Index, string Hash)>> HashRegistrationsAsync(IReadOnlyList<TicketEvent> events, IReadOnlyList<TicketEvent> stored, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(events);
        Preconditions.CheckNotNull(stored);
        Preconditions.CheckArgument(events.Count == stored.Count, nameof(stored), "The stored events must match the events one for one.");
        List<(int, string)>? found = null;
        for (var i = 0; i < events.Count; i++)
        {
            if (IsIndexed(events[i]) && IsIndexed(stored[i]))
            {
                (found ??= []).Add((i, await HashAsync(((TicketRegistered)events[i]).Intake.CustomerNumber!, cancellationToken).ConfigureAwait(false)));
            }
        }

        if (found is null)
        {
            return [];
        }

        return found;
    }

    /// <summary>
    /// The exact comparison a lookup ends with: the tickets among <paramref name="registrations"/> (decrypted, as the store
    /// reads them) registered with exactly <paramref name="customerNumber"/>, each once, in the order met. The index only
    /// narrows the candidates (numbers are normalised before hashing, and a ticket whose erasure is requested reads its number
    /// as erased), so a store answers with this, as the feed scan does.
    /// </summary>
    /// <param name="registrations">The candidate events; events other than registrations are passed over.</param>
    /// <param name="customerNumber">The number asked for.</param>
    /// <returns>The matching tickets.</returns>
    public static IReadOnlyList<TicketId> MatchingTickets(IEnumerable<RecordedEvent> registrations, string customerNumber)
    {
        Preconditions.CheckNotNull(registrations);
        Preconditions.CheckNotNull(customerNumber);
        var found = new List<TicketId>();
        foreach (var recorded in registrations)
        {
            if (IsRegistrationOf(recorded.Event, customerNumber) && !found.Contains(recorded.Event.TicketId))
            {
                found.Add(recorded.Event.TicketId);
            }
        }

        return found;
    }

    /// <summary>Whether an event is a registration with exactly this customer number.</summary>
    internal static bool IsRegistrationOf(TicketEvent e, string customerNumber) =>
        e is TicketRegistered registered && string.Equals(registered.Intake.CustomerNumber, customerNumber, StringComparison.Ordinal);

    /// <summary>Whether an event is a registration whose customer number the index holds (a number, not the erasure placeholder).</summary>
    /// <param name="e">The event.</param>
    /// <returns><see langword="true"/> for a registration with a customer number.</returns>
    public static bool IsIndexed(TicketEvent e) =>
        e is TicketRegistered { Intake.CustomerNumber: { } number } && number != PersonalDataErased.Placeholder;

    /// <summary>
    /// The form a number is hashed in: full-width ASCII forms (U+FF01–U+FF5E, as an IME types them) folded to ASCII, ASCII
    /// letters to upper case, ASCII blanks around it trimmed; every other character as it is. Written out by hand rather
    /// than through <see cref="string.Normalize()"/> or culture casing, whose results depend on ICU and the globalization
    /// mode: an entry must hash the same on every host and every .NET version, or the index would miss tickets.
    /// </summary>
    internal static string Normalize(string customerNumber)
    {
        var folded = new StringBuilder(customerNumber.Length);
        foreach (var c in customerNumber)
        {
            var ascii = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c == '\u3000' ? ' ' : c;
            folded.Append(ascii is >= 'a' and <= 'z' ? (char)(ascii - 32) : ascii);
        }

        return folded.ToString().Trim(' ', '\t', '\r', '\n');
    }

    private async ValueTask<byte[]> OpenKeyAsync(CancellationToken cancellationToken)
    {
        var stored = await keys.GetIndexKeyAsync(cancellationToken).ConfigureAwait(false);
        byte[] plain;
        if (stored is null)
        {
            plain = RandomNumberGenerator.GetBytes(32);
            var candidate = new BlindIndexKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), "");
            candidate = candidate with { WrappedKey = await masterKeys.WrapAsync(plain, candidate.WrapContext(), cancellationToken).ConfigureAwait(false) };
            stored = await keys.AddIndexKeyIfAbsentAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (stored.KeyId != candidate.KeyId)
            {
                plain = await masterKeys.UnwrapAsync(stored.WrappedKey, stored.WrapContext(), cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            plain = await masterKeys.UnwrapAsync(stored.WrappedKey, stored.WrapContext(), cancellationToken).ConfigureAwait(false);
        }

        return Volatile.Read(ref key) ?? Interlocked.CompareExchange(ref key, plain, null) ?? plain;
    }
}
