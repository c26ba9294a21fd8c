using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// A thread-safe in-memory ticket log and sequence store, for tests and small single-process
/// hosts. Appends are serialised by one lock, so the feed has no gaps and positions ascend in
/// commit order. Nothing survives the process.
/// </summary>
public sealed class InMemoryTicketStore : ITicketStore, ISequenceStore, ICheckpointStore, IPersonalDataEraser
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
            if (streams.TryGetValue(ticketId, out var stream) && stream.Count > 0 && stream[0].Event is TicketRegistered registered)
            {
                var erased = stream[0] with { Event = registered with { Intake = PersonalDataErased.Anonymize(registered.Intake) } };
                stream[0] = erased;
                feed[(int)erased.Position - 1] = erased;
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
}

/// <summary>Argument checks every store applies to an append, so all stores refuse the same input.</summary>
public static class StoreArguments
{
    /// <summary>Checks the arguments of <see cref="ITicketStore.AppendAsync"/>.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="expectedVersion">The expected version (0 or more).</param>
    /// <param name="events">The events: at least one, none null, all of <paramref name="ticketId"/>.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public static void CheckAppend(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events)
    {
        Preconditions.CheckArgument(!ticketId.IsEmpty, nameof(ticketId), "The ticket id must not be empty.");
        Preconditions.CheckArgument(expectedVersion >= 0, nameof(expectedVersion), $"'{nameof(expectedVersion)}' must be 0 or more; it was {expectedVersion}.");
        Preconditions.CheckNotNull(events);
        Preconditions.CheckArgument(events.Count > 0, nameof(events), "At least one event is required.");
        for (var i = 0; i < events.Count; i++)
        {
            Preconditions.CheckArgument(events[i] is not null, nameof(events), $"events[{i}] is null.");
            Preconditions.CheckArgument(events[i].TicketId == ticketId, nameof(events), $"events[{i}] belongs to ticket {events[i].TicketId}, not {ticketId}.");
        }
    }

    /// <summary>Checks the arguments of <see cref="IImprovementPlanStore.SaveAsync"/>.</summary>
    /// <param name="plan">The plan: not null, with a non-empty id and version <paramref name="expectedVersion"/> + 1.</param>
    /// <param name="expectedVersion">The expected stored version (0 or more; 0 for a new plan).</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public static void CheckSave(FeedbackLoop.ImprovementPlan plan, long expectedVersion)
    {
        Preconditions.CheckNotNull(plan);
        Preconditions.CheckArgument(expectedVersion >= 0, nameof(expectedVersion), $"'{nameof(expectedVersion)}' must be 0 or more (0 for a new plan); it was {expectedVersion}.");
        Preconditions.CheckArgument(plan.Id.Value != Guid.Empty, nameof(plan), "The plan's Id must not be empty.");
        Preconditions.CheckArgument(plan.Version == expectedVersion + 1, nameof(plan), $"The plan's Version must be {expectedVersion + 1} (expected version + 1); it is {plan.Version}.");
    }
}
