using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>The in-memory store's batch appends: checked whole under the store's one lock, then applied, so nothing is half-written.</summary>
public sealed partial class InMemoryTicketStore : ITicketBatchStore
{
    private readonly Dictionary<(string Source, TicketId Ticket), string> sourceHashes = [];

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckBatch(appends);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // Every version is checked before anything is written: a conflict leaves the store as it was.
            foreach (var append in appends)
            {
                var actual = streams.TryGetValue(append.TicketId, out var stream) ? stream.Count : 0;
                if (actual != append.ExpectedVersion)
                {
                    throw new TicketConcurrencyException(append.TicketId, append.ExpectedVersion, actual);
                }
            }

            var recorded = new List<RecordedEvent>(appends.Sum(a => a.Events.Count));
            foreach (var append in appends)
            {
                if (append.Events.Count > 0)
                {
                    if (!streams.TryGetValue(append.TicketId, out var stream))
                    {
                        streams[append.TicketId] = stream = [];
                    }

                    for (var i = 0; i < append.Events.Count; i++)
                    {
                        var e = new RecordedEvent(feed.Count + 1, append.ExpectedVersion + i + 1, append.Events[i]);
                        stream.Add(e);
                        feed.Add(e);
                        recorded.Add(e);
                    }
                }

                if (append.SourceHash is { } hash)
                {
                    sourceHashes[(hash.Source, append.TicketId)] = hash.Hash;
                }
            }

            return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(recorded);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TicketStream>> ReadStreamsAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadStreams(ticketIds);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<TicketStream>>(ticketIds.Select(id => streams.TryGetValue(id, out var events)
                ? new TicketStream(id, events.Count, events.ToArray())
                : new TicketStream(id, 0, [])).ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<TicketId, string>> ReadSourceHashesAsync(string source, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotBlank(source);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<TicketId, string>>(sourceHashes.Where(h => h.Key.Source == source).ToDictionary(h => h.Key.Ticket, h => h.Value));
        }
    }
}
