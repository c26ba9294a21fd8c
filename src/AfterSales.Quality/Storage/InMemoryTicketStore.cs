using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// A thread-safe in-memory ticket log and sequence store, for tests and small single-process
/// hosts. Appends are serialised by one lock, so the feed has no gaps and positions ascend in
/// commit order. Nothing survives the process.
/// </summary>
public sealed partial class InMemoryTicketStore : ITicketStore, ISequenceBlockStore, ICheckpointStore, IPersonalDataEraser, IFeedbackNumberLookup
{
    private readonly Lock gate = new();
    private readonly Dictionary<TicketId, List<RecordedEvent>> streams = [];
    private readonly List<RecordedEvent> feed = [];
    private readonly ConcurrentDictionary<string, long> sequences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> checkpoints = new(StringComparer.Ordinal);

    /// <summary>The number of events in the feed.</summary>
    public long Count
    {
        get
        {
            lock (gate)
            {
                return feed.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(streams.TryGetValue(ticketId, out var events)
                ? new TicketStream(ticketId, events.Count, events.ToArray())
                : new TicketStream(ticketId, 0, []));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(ticketId, expectedVersion, events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            streams.TryGetValue(ticketId, out var stream);
            var actual = stream?.Count ?? 0;
            if (actual != expectedVersion)
            {
                throw new TicketConcurrencyException(ticketId, expectedVersion, actual);
            }

            stream ??= streams[ticketId] = [];
            var recorded = new RecordedEvent[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                recorded[i] = new RecordedEvent(feed.Count + i + 1, expectedVersion + i + 1, events[i]);
            }

            stream.AddRange(recorded);
            feed.AddRange(recorded);
            return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(recorded);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Preconditions.CheckArgument(afterPosition >= 0, nameof(afterPosition), $"'{nameof(afterPosition)}' must be 0 or more; it was {afterPosition}.");
        const int batch = 512;
        var next = afterPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RecordedEvent[] page;
            lock (gate)
            {
                var start = (int)Math.Min(next, feed.Count);
                page = feed.GetRange(start, Math.Min(batch, feed.Count - start)).ToArray();
            }

            if (page.Length == 0)
            {
                yield break;
            }

            foreach (var e in page)
            {
                yield return e;
            }

            next = page[^1].Position;
            await Task.Yield();
        }
    }

    /// <inheritdoc />
    public ValueTask ErasePersonalDataAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // Every personal value and free text of the ticket's history: this store keeps them in clear.
            if (streams.TryGetValue(ticketId, out var stream))
            {
                for (var i = 0; i < stream.Count; i++)
                {
                    if (CustomerDataEncryption.HasPersonalData(stream[i].Event))
                    {
                        var erased = stream[i] with { Event = CustomerDataEncryption.Map(stream[i].Event, (_, _) => PersonalDataErased.Placeholder) };
                        stream[i] = erased;
                        feed[(int)erased.Position - 1] = erased;
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(projection);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(checkpoints.GetValueOrDefault(projection));
    }

    /// <inheritdoc />
    public ValueTask SetCheckpointAsync(string projection, long position, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(projection);
        Preconditions.CheckArgument(position >= 0, nameof(position), $"'{nameof(position)}' must be 0 or more; it was {position}.");
        cancellationToken.ThrowIfCancellationRequested();
        checkpoints[projection] = position;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(sequences.AddOrUpdate(key, 1, static (_, value) => value + 1));
    }

    /// <inheritdoc />
    public ValueTask<long> ReserveAsync(string key, int count, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(key);
        Preconditions.CheckRange(count, 1, 100_000);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(sequences.AddOrUpdate(key, static (_, n) => n, static (_, value, n) => value + n, (long)count) - count + 1);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string key, long first, int count, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(key);
        Preconditions.CheckArgument(first >= 1, nameof(first), $"first: must be at least 1; it was {first}.");
        Preconditions.CheckRange(count, 1, 100_000);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(sequences.TryUpdate(key, first - 1, first + count - 1));
    }

    /// <inheritdoc />
    public ValueTask<TicketId?> FindByFeedbackNumberAsync(string feedbackNumber, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(feedbackNumber);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var (id, events) in streams)
            {
                if (events.Count > 0 && events[0].Event is TicketRegistered registered && string.Equals(registered.FeedbackNumber, feedbackNumber, StringComparison.Ordinal))
                {
                    return ValueTask.FromResult<TicketId?>(id);
                }
            }
        }

        return ValueTask.FromResult<TicketId?>(null);
    }
}
