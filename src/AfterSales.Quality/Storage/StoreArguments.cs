using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

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

    /// <summary>Checks a dispatch id of <see cref="IDispatchLedger"/>: not blank, at most 200 characters.</summary>
    /// <param name="dispatchId">The id.</param>
    /// <exception cref="ArgumentException">The id is invalid; the message names it.</exception>
    public static void CheckDispatchId(string dispatchId)
    {
        Preconditions.CheckNotBlank(dispatchId);
        Preconditions.CheckArgument(dispatchId.Length <= 200, nameof(dispatchId), $"'{nameof(dispatchId)}' must be at most 200 characters; it has {dispatchId.Length}.");
    }

    /// <summary>
    /// Checks the argument of <see cref="IPersonalDataAccessAudit.RecordAccessAsync"/>: at least one record, none null; each with an
    /// access id, an actor and a purpose of 1 to 200 characters (not blank), a defined kind and decision, and a ticket id that is
    /// null or not empty.
    /// </summary>
    /// <param name="records">The records.</param>
    /// <exception cref="ArgumentException">A record is invalid; the message names it and its field (<c>records[i].Purpose</c>).</exception>
    public static void CheckAccessRecords(IReadOnlyList<PersonalDataAccessRecord> records)
    {
        Preconditions.CheckNotNull(records);
        Preconditions.CheckArgument(records.Count > 0, nameof(records), "At least one record is required.");
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record is null)
            {
                throw new ArgumentException($"records[{i}] is null.", nameof(records));
            }

            string? bad = record.AccessId == Guid.Empty ? nameof(record.AccessId)
                : string.IsNullOrWhiteSpace(record.Actor) || record.Actor.Length > 200 ? nameof(record.Actor)
                : string.IsNullOrWhiteSpace(record.Purpose) || record.Purpose.Length > 200 ? nameof(record.Purpose)
                : !Enum.IsDefined(record.Kind) ? nameof(record.Kind)
                : !Enum.IsDefined(record.Decision) ? nameof(record.Decision)
                : record.TicketId is { IsEmpty: true } ? nameof(record.TicketId)
                : null;
            if (bad is not null)
            {
                throw new ArgumentException($"records[{i}].{bad} is invalid: the access id must not be empty, the actor and the purpose must be 1 to 200 characters (not blank), the kind and decision defined, the ticket id null or not empty.", nameof(records));
            }
        }
    }

    /// <summary>Checks the arguments of <see cref="ILeaseStore.TryAcquireLeaseAsync"/>: names not blank and at most 200 characters, a positive duration.</summary>
    /// <param name="lease">The lease name.</param>
    /// <param name="holder">The holder.</param>
    /// <param name="duration">The duration.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public static void CheckLease(string lease, string holder, NodaTime.Duration duration)
    {
        Preconditions.CheckNotBlank(lease);
        Preconditions.CheckArgument(lease.Length <= 200, nameof(lease), $"'{nameof(lease)}' must be at most 200 characters; it has {lease.Length}.");
        Preconditions.CheckNotBlank(holder);
        Preconditions.CheckArgument(holder.Length <= 200, nameof(holder), $"'{nameof(holder)}' must be at most 200 characters; it has {holder.Length}.");
        Preconditions.CheckArgument(duration > NodaTime.Duration.Zero, nameof(duration), $"'{nameof(duration)}' must be positive; it was {duration}.");
    }

    /// <summary>Checks the argument of <see cref="ITicketBatchStore.AppendBatchAsync"/>.</summary>
    /// <param name="appends">The appends: at least one, none null, each ticket once; each append's ticket id not empty, its expected version 0 or more, its events none null and all of its ticket, at least one unless it records a source hash; a source hash's source and hash not blank and at most 200 characters.</param>
    /// <exception cref="ArgumentException">The batch is invalid; the message names the append (<c>appends[i]</c>) and its field.</exception>
    public static void CheckBatch(IReadOnlyList<TicketAppend> appends)
    {
        Preconditions.CheckNotNull(appends);
        if (appends.Count == 0)
        {
            throw Bad("At least one append is required.");
        }

        // Messages are built only on failure: a batch holds thousands of events.
        var seen = new HashSet<TicketId>();
        for (var a = 0; a < appends.Count; a++)
        {
            var append = appends[a] ?? throw Bad($"appends[{a}] is null.");
            if (append.TicketId.IsEmpty)
            {
                throw Bad($"appends[{a}].TicketId must not be empty.");
            }

            if (!seen.Add(append.TicketId))
            {
                throw Bad($"appends[{a}].TicketId {append.TicketId} is already in the batch; a ticket appears at most once.");
            }

            if (append.ExpectedVersion < 0)
            {
                throw Bad($"appends[{a}].ExpectedVersion must be 0 or more; it was {append.ExpectedVersion}.");
            }

            var events = append.Events ?? throw Bad($"appends[{a}].Events is null.");
            if (events.Count == 0 && append.SourceHash is null)
            {
                throw Bad($"appends[{a}].Events is empty and it records no SourceHash: an append writes something.");
            }

            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is not { } e)
                {
                    throw Bad($"appends[{a}].Events[{i}] is null.");
                }

                if (e.TicketId != append.TicketId)
                {
                    throw Bad($"appends[{a}].Events[{i}] belongs to ticket {e.TicketId}, not {append.TicketId}.");
                }
            }

            if (append.SourceHash is { } hash)
            {
                if (string.IsNullOrWhiteSpace(hash.Source) || hash.Source.Length > 200)
                {
                    throw Bad($"appends[{a}].SourceHash.Source must be non-blank and at most 200 characters.");
                }

                if (string.IsNullOrWhiteSpace(hash.Hash) || hash.Hash.Length > 200)
                {
                    throw Bad($"appends[{a}].SourceHash.Hash must be non-blank and at most 200 characters.");
                }
            }
        }

        static ArgumentException Bad(string message) => new(message, nameof(appends));
    }

    /// <summary>Checks the argument of <see cref="ITicketBatchStore.ReadStreamsAsync"/>.</summary>
    /// <param name="ticketIds">The tickets: none empty, none twice.</param>
    /// <exception cref="ArgumentException">A ticket is empty or asked twice; the message names its index.</exception>
    public static void CheckReadStreams(IReadOnlyList<TicketId> ticketIds)
    {
        Preconditions.CheckNotNull(ticketIds);
        var seen = new HashSet<TicketId>();
        for (var i = 0; i < ticketIds.Count; i++)
        {
            if (ticketIds[i].IsEmpty || !seen.Add(ticketIds[i]))
            {
                throw new ArgumentException($"ticketIds[{i}] is {(ticketIds[i].IsEmpty ? "empty" : $"{ticketIds[i]}, already asked")}.", nameof(ticketIds));
            }
        }
    }

    /// <summary>Checks a snapshot name of <see cref="ISnapshotStore"/>.</summary>
    /// <param name="name">The name: 1–200 characters, not blank.</param>
    /// <exception cref="ArgumentException">The name is null, blank or longer than 200 characters.</exception>
    public static void CheckSnapshotName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ArgumentException($"name: a snapshot name of 1 to 200 characters, not blank; it was {(name is null ? "null" : $"'{(name.Length > 40 ? name[..40] + "..." : name)}' ({name.Length} characters)")}.", nameof(name));
        }
    }
}
