using System.Runtime.InteropServices;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>
/// Snapshots of the read models a host otherwise rebuilds from position 0 at every start: the fact projection
/// (<see cref="TicketFactProjection"/>), the <see cref="SlaDueIndex"/> and the <see cref="OpenWorkProjection"/>.
/// Capture one while the host runs and write it in the background (<see cref="ReadModelSnapshot.WriteAsync"/>, or a
/// <see cref="SnapshotSchedule"/>); at the next start restore it into a new read model and catch up from its position.
/// </summary>
/// <remarks>
/// <para>
/// A snapshot holds the feed position it covers and the event recorded there, a format version, the library version
/// (and for facts the size and field layout of <see cref="TicketFact"/>), a fingerprint of the settings that shaped it
/// (SLA policies and calendars; for facts also the desk's zone), and a SHA-256 checksum. A snapshot that is missing,
/// truncated, corrupt, of another version or settings, or ends at an event the feed does not hold, is not trusted:
/// the restore leaves the read model empty and says why, and the read model is rebuilt from the events.
/// </para>
/// <para>
/// What is kept: the facts, their dimension values and each ticket's row; for the SLA due index and the open work, the
/// open tickets. Histories of tickets still open are not copied (they would carry personal data out of the ticket
/// log's protection): a restore reads them back from the ticket log, up to the snapshot's position, many at once where
/// the store implements <see cref="ITicketBatchStore"/>.
/// </para>
/// </remarks>
public static class ReadModelSnapshots
{
    /// <summary>The default snapshot name of the fact projection.</summary>
    public const string TicketFactsName = "aftersales.ticket-facts";

    /// <summary>The default snapshot name of the SLA due index.</summary>
    public const string SlaDueIndexName = "aftersales.sla-due-index";

    /// <summary>The default snapshot name of the open work.</summary>
    public const string OpenWorkName = "aftersales.open-work";

    private const string FactsKind = "ticket-facts";
    private const string SlaKind = "sla-due-index";
    private const string OpenWorkKind = "open-work";

    private static readonly string FactsVersion = $"{FactsKind}/2 library {SnapshotFormat.LibraryVersion}; {SnapshotFormat.FactLayout}";
    private static readonly string SlaVersion = $"{SlaKind}/1 library {SnapshotFormat.LibraryVersion}";
    private static readonly string OpenWorkVersion = $"{OpenWorkKind}/1 library {SnapshotFormat.LibraryVersion}";

    /// <summary>Copies the projection's state (call it on the thread that refreshes it; the copy is encoded later, elsewhere).</summary>
    /// <param name="projection">The projection.</param>
    /// <param name="name">The name to keep the snapshot under.</param>
    /// <returns>The snapshot, at the projection's position.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    public static ReadModelSnapshot CaptureSnapshot(this TicketFactProjection projection, string name = TicketFactsName)
    {
        Preconditions.CheckNotNull(projection);
        StoreArguments.CheckSnapshotName(name);
        var state = projection.CaptureState();
        var header = new SnapshotHeader(FactsKind, FactsVersion, projection.SettingsFingerprint, state.Anchor);
        return new ReadModelSnapshot(name, state.Anchor.Position, () => SnapshotFormat.Encode(header, writer => WriteFacts(writer, state)));
    }

    /// <summary>Copies which tickets the index holds (thread-safe, under the index's lock; their histories stay in the ticket log).</summary>
    /// <param name="index">The index.</param>
    /// <param name="name">The name to keep the snapshot under.</param>
    /// <returns>The snapshot, at the index's position.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    public static ReadModelSnapshot CaptureSnapshot(this SlaDueIndex index, string name = SlaDueIndexName)
    {
        Preconditions.CheckNotNull(index);
        StoreArguments.CheckSnapshotName(name);
        var state = index.CaptureState();
        var header = new SnapshotHeader(SlaKind, SlaVersion, state.Settings, state.Anchor);
        return new ReadModelSnapshot(name, state.Anchor.Position, () => SnapshotFormat.Encode(header, writer => WriteTickets(writer, state)));
    }

    /// <summary>Copies which tickets are open (thread-safe, under the model's lock; their histories stay in the ticket log).</summary>
    /// <param name="openWork">The open-work model.</param>
    /// <param name="name">The name to keep the snapshot under.</param>
    /// <returns>The snapshot, at the model's position.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    public static ReadModelSnapshot CaptureSnapshot(this OpenWorkProjection openWork, string name = OpenWorkName)
    {
        Preconditions.CheckNotNull(openWork);
        StoreArguments.CheckSnapshotName(name);
        var state = openWork.CaptureState();
        var header = new SnapshotHeader(OpenWorkKind, OpenWorkVersion, state.Settings, state.Anchor);
        return new ReadModelSnapshot(name, state.Anchor.Position, () => SnapshotFormat.Encode(header, writer => WriteTickets(writer, state)));
    }

    /// <summary>
    /// Loads the projection from its snapshot when the snapshot passes every check; then <see cref="TicketFactProjection.RefreshAsync"/>
    /// catches up from the snapshot's position (and reads back the histories of tickets not settled). Otherwise the
    /// projection stays empty and the next refresh rebuilds it from the events.
    /// </summary>
    /// <param name="projection">A new projection (never refreshed); its store's feed is the one the snapshot must match.</param>
    /// <param name="snapshots">Where snapshots are kept.</param>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Cancels the restore; the projection then stays empty.</param>
    /// <returns>Restored, or why not.</returns>
    /// <exception cref="InvalidOperationException">The projection was refreshed or restored already.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    public static async Task<SnapshotRestoreResult> RestoreSnapshotAsync(this TicketFactProjection projection, ISnapshotStore snapshots, string name = TicketFactsName, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(projection);
        Preconditions.CheckNotNull(snapshots);
        StoreArguments.CheckSnapshotName(name);
        if (!projection.IsEmpty)
        {
            throw new InvalidOperationException("projection: a snapshot is restored into a new projection, before its first refresh; this one holds facts already.");
        }

        var bytes = await snapshots.ReadSnapshotAsync(name, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return new SnapshotRestoreResult(SnapshotStatus.Missing, 0, $"no snapshot '{name}'.");
        }

        var check = SnapshotFormat.Check(bytes, FactsKind, FactsVersion, projection.SettingsFingerprint);
        if (check.Status != SnapshotStatus.Restored)
        {
            return new SnapshotRestoreResult(check.Status, 0, check.Detail);
        }

        FactProjectionState state;
        try
        {
            state = ReadFacts(check.Payload!, check.Header!.Anchor);
        }
        catch (SnapshotFormatException ex)
        {
            return new SnapshotRestoreResult(SnapshotStatus.Corrupt, 0, ex.Message);
        }

        foreach (var (dictionary, values) in projection.DimensionDictionaries.Zip(state.Dimensions))
        {
            var shared = Math.Min(dictionary.Count, values.Length);
            for (var code = 0; code < shared; code++)
            {
                if (!string.Equals(dictionary.Decode(code), values[code], StringComparison.Ordinal))
                {
                    return new SnapshotRestoreResult(SnapshotStatus.OtherSettings, 0, $"the projection's {dictionary.Name} dictionary gives code {code} to '{dictionary.Decode(code)}'; the snapshot to '{values[code]}'.");
                }
            }
        }

        if (!await HoldsAnchorAsync(projection.Store, state.Anchor, cancellationToken).ConfigureAwait(false))
        {
            return OtherFeed(state.Anchor);
        }

        projection.RestoreState(state);
        return new SnapshotRestoreResult(SnapshotStatus.Restored, state.Anchor.Position, "");
    }

    /// <summary>
    /// Loads the index from its snapshot when the snapshot passes every check: the open tickets' histories are read back from
    /// <paramref name="store"/> up to the snapshot's position; then <see cref="SlaDueIndex.CatchUpAsync"/> goes on from there.
    /// Otherwise the index stays empty and the next catch-up rebuilds it from the events.
    /// </summary>
    /// <param name="index">A new index (nothing applied yet).</param>
    /// <param name="store">The ticket log the index follows.</param>
    /// <param name="snapshots">Where snapshots are kept.</param>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Cancels the restore; the index then stays empty.</param>
    /// <returns>Restored, or why not.</returns>
    /// <exception cref="InvalidOperationException">The index holds events already.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    public static async Task<SnapshotRestoreResult> RestoreSnapshotAsync(this SlaDueIndex index, ITicketStore store, ISnapshotStore snapshots, string name = SlaDueIndexName, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(index);
        Preconditions.CheckNotNull(store);
        Preconditions.CheckNotNull(snapshots);
        StoreArguments.CheckSnapshotName(name);
        if (!index.IsEmpty)
        {
            throw new InvalidOperationException("index: a snapshot is restored into a new SLA due index, before it applies events; this one holds events already.");
        }

        var (result, state, histories) = await LoadTicketsAsync(store, snapshots, name, SlaKind, SlaVersion, index.SettingsFingerprint, cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            index.RestoreState(state.Anchor, state.Open.Select(id => (id, histories![id])).ToArray(), state.Left.Select(id => histories![id]).ToArray());
        }

        return result;
    }

    /// <summary>
    /// Loads the open work from its snapshot when the snapshot passes every check: the open tickets' histories are read back
    /// from <paramref name="store"/> up to the snapshot's position; then <see cref="OpenWorkProjection.CatchUpAsync"/> goes on
    /// from there. Otherwise the model stays empty and the next catch-up rebuilds it from the events.
    /// </summary>
    /// <param name="openWork">A new open-work model (nothing applied yet).</param>
    /// <param name="store">The ticket log the model follows.</param>
    /// <param name="snapshots">Where snapshots are kept.</param>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Cancels the restore; the model then stays empty.</param>
    /// <returns>Restored, or why not.</returns>
    /// <exception cref="InvalidOperationException">The model holds events already.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    public static async Task<SnapshotRestoreResult> RestoreSnapshotAsync(this OpenWorkProjection openWork, ITicketStore store, ISnapshotStore snapshots, string name = OpenWorkName, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(openWork);
        Preconditions.CheckNotNull(store);
        Preconditions.CheckNotNull(snapshots);
        StoreArguments.CheckSnapshotName(name);
        if (!openWork.IsEmpty)
        {
            throw new InvalidOperationException("openWork: a snapshot is restored into a new open-work model, before it applies events; this one holds events already.");
        }

        var (result, state, histories) = await LoadTicketsAsync(store, snapshots, name, OpenWorkKind, OpenWorkVersion, "", cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            openWork.RestoreState(state.Anchor, state.Open.Select(id => (id, histories![id])).ToArray());
        }

        return result;
    }

    private static async Task<(SnapshotRestoreResult Result, OpenTicketsState? State, Dictionary<TicketId, List<TicketEvent>>? Histories)> LoadTicketsAsync(
        ITicketStore store, ISnapshotStore snapshots, string name, string kind, string version, string settings, CancellationToken cancellationToken)
    {
        var bytes = await snapshots.ReadSnapshotAsync(name, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (new SnapshotRestoreResult(SnapshotStatus.Missing, 0, $"no snapshot '{name}'."), null, null);
        }

        var check = SnapshotFormat.Check(bytes, kind, version, settings);
        if (check.Status != SnapshotStatus.Restored)
        {
            return (new SnapshotRestoreResult(check.Status, 0, check.Detail), null, null);
        }

        OpenTicketsState state;
        try
        {
            state = ReadTickets(check.Payload!, check.Header!.Anchor, settings);
        }
        catch (SnapshotFormatException ex)
        {
            return (new SnapshotRestoreResult(SnapshotStatus.Corrupt, 0, ex.Message), null, null);
        }

        if (!await HoldsAnchorAsync(store, state.Anchor, cancellationToken).ConfigureAwait(false))
        {
            return (OtherFeed(state.Anchor), null, null);
        }

        var histories = await SnapshotHistories.ReadAsync(store, state.Open.Concat(state.Left).Distinct().ToArray(), state.Anchor.Position, cancellationToken).ConfigureAwait(false);
        if (histories.FirstOrDefault(h => h.Value.Count == 0 || h.Value[0] is not TicketRegistered) is { Key.IsEmpty: false } missing)
        {
            return (new SnapshotRestoreResult(SnapshotStatus.OtherFeed, 0, $"ticket {missing.Key} of the snapshot has no registration at or before position {state.Anchor.Position} in the ticket log."), null, null);
        }

        return (new SnapshotRestoreResult(SnapshotStatus.Restored, state.Anchor.Position, ""), state, histories);
    }

    private static SnapshotRestoreResult OtherFeed(FeedAnchor anchor) =>
        new(SnapshotStatus.OtherFeed, 0, $"the snapshot ends at position {anchor.Position} (ticket {anchor.TicketId}, version {anchor.Version}); the feed holds no such event there.");

    /// <summary>Whether the feed holds the event a snapshot ends at.</summary>
    private static async Task<bool> HoldsAnchorAsync(ITicketStore store, FeedAnchor anchor, CancellationToken cancellationToken)
    {
        if (anchor.Position == 0)
        {
            return true;
        }

        await foreach (var recorded in store.ReadFeedAsync(anchor.Position - 1, cancellationToken).ConfigureAwait(false))
        {
            return recorded.Position == anchor.Position && recorded.Event.TicketId == anchor.TicketId && recorded.Version == anchor.Version;
        }

        return false;
    }

    private static void WriteFacts(SnapshotPayloadWriter writer, FactProjectionState state)
    {
        writer.WriteInt64(state.MeasuredAt is { } at ? at.ToUnixTimeTicks() : long.MinValue);
        writer.WriteInt32(state.Dimensions.Length);
        foreach (var values in state.Dimensions)
        {
            writer.WriteInt32(values.Length);
            foreach (var value in values)
            {
                writer.WriteString(value);
            }
        }

        writer.WriteInt32(state.Facts.Length);
        writer.WriteBytes(MemoryMarshal.AsBytes(state.Facts.AsSpan()));
        WriteRows(writer, state.Settled);
        writer.WriteInt32(state.Open.Length);
        foreach (var (id, row, stable) in state.Open)
        {
            writer.WriteGuid(id.Value);
            writer.WriteInt32(row);
            writer.WriteInt64(stable);
        }
    }

    private static void WriteRows(SnapshotPayloadWriter writer, (TicketId Id, int Row)[] rows)
    {
        writer.WriteInt32(rows.Length);
        foreach (var (id, row) in rows)
        {
            writer.WriteGuid(id.Value);
            writer.WriteInt32(row);
        }
    }

    private static FactProjectionState ReadFacts(SnapshotPayloadReader reader, FeedAnchor anchor)
    {
        var ticks = reader.ReadInt64();
        Instant? measuredAt = ticks == long.MinValue ? null : Instant.FromUnixTimeTicks(ticks);
        var dimensionCount = reader.ReadCount(4);
        if (dimensionCount != 6)
        {
            throw new SnapshotFormatException($"{dimensionCount} dimension dictionaries; a fact projection has 6.");
        }

        var dimensions = new string[dimensionCount][];
        for (var d = 0; d < dimensionCount; d++)
        {
            var values = new string[reader.ReadCount(4)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadString();
            }

            if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
            {
                throw new SnapshotFormatException($"dimension dictionary {d} holds a value twice.");
            }

            dimensions[d] = values;
        }

        var size = Marshal.SizeOf<TicketFact>();
        var facts = MemoryMarshal.Cast<byte, TicketFact>(reader.ReadBytes(reader.ReadCount(size) * size)).ToArray();
        var settled = ReadRows(reader, facts.Length, allowUnmeasured: false);
        var open = new (TicketId Id, int Row, long StableUntil)[reader.ReadCount(28)];
        for (var i = 0; i < open.Length; i++)
        {
            var id = new TicketId(reader.ReadGuid());
            var row = reader.ReadInt32();
            if (row >= facts.Length || row < -1 || id.IsEmpty)
            {
                throw new SnapshotFormatException($"ticket {id} has row {row}, not a row of the {facts.Length} facts.");
            }

            var stable = reader.ReadInt64();
            if (stable is not (long.MinValue or long.MaxValue) && (stable < Instant.MinValue.ToUnixTimeTicks() || stable > Instant.MaxValue.ToUnixTimeTicks()))
            {
                throw new SnapshotFormatException($"ticket {id} holds its fact until {stable} ticks, not an instant.");
            }

            open[i] = (id, row, stable);
        }
        if (!reader.AtEnd)
        {
            throw new SnapshotFormatException("bytes follow the last section of the payload.");
        }

        var rows = new HashSet<int>();
        var tickets = new HashSet<TicketId>();
        foreach (var (id, row) in settled.Concat(open.Select(o => (o.Id, o.Row))))
        {
            if (!tickets.Add(id) || (row >= 0 && !rows.Add(row)))
            {
                throw new SnapshotFormatException($"ticket {id} or row {row} appears twice.");
            }
        }

        return new FactProjectionState(anchor, measuredAt, facts, dimensions, open, settled);
    }

    private static (TicketId Id, int Row)[] ReadRows(SnapshotPayloadReader reader, int facts, bool allowUnmeasured)
    {
        // Settled rows (allowUnmeasured false); open rows carry their stable instant and are read above.
        var rows = new (TicketId, int)[reader.ReadCount(20)];
        for (var i = 0; i < rows.Length; i++)
        {
            var id = new TicketId(reader.ReadGuid());
            var row = reader.ReadInt32();
            if (row >= facts || row < (allowUnmeasured ? -1 : 0) || id.IsEmpty)
            {
                throw new SnapshotFormatException($"ticket {id} has row {row}, not a row of the {facts} facts.");
            }

            rows[i] = (id, row);
        }

        return rows;
    }

    private static void WriteTickets(SnapshotPayloadWriter writer, OpenTicketsState state)
    {
        foreach (var ids in new[] { state.Open, state.Left })
        {
            writer.WriteInt32(ids.Length);
            foreach (var id in ids)
            {
                writer.WriteGuid(id.Value);
            }
        }
    }

    private static OpenTicketsState ReadTickets(SnapshotPayloadReader reader, FeedAnchor anchor, string settings)
    {
        var lists = new TicketId[2][];
        for (var l = 0; l < 2; l++)
        {
            lists[l] = new TicketId[reader.ReadCount(16)];
            for (var i = 0; i < lists[l].Length; i++)
            {
                lists[l][i] = new TicketId(reader.ReadGuid());
            }
        }

        if (!reader.AtEnd || lists[0].Distinct().Count() != lists[0].Length || lists[0].Any(id => id.IsEmpty) || lists[1].Any(id => id.IsEmpty))
        {
            throw new SnapshotFormatException("the ticket lists are malformed (a ticket twice, an empty ticket, or bytes after them).");
        }

        return new OpenTicketsState(anchor, lists[0], lists[1], settings);
    }
}
