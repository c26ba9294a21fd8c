using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using static AfterSales.Quality.Tests.ReadModels.Snapshots.SnapshotTestScripts;

namespace AfterSales.Quality.Tests.ReadModels.Snapshots;

/// <summary>
/// Snapshots of the fact projection, the SLA due index and the open work: restored and caught up they equal a full
/// rebuild; a snapshot that is truncated, corrupt, of another version, layout, settings or feed is refused and the read
/// model rebuilt from the events.
/// </summary>
public sealed class ReadModelSnapshotTests
{
    private static readonly DateTimeZone Shanghai = TicketTestHost.Shanghai;

    /// <summary>A host with a year-like history cut in two: the snapshot is taken after <paramref name="split"/> steps of the script.</summary>
    private static (TicketTestHost Host, List<TicketId> Tickets) Scripted(byte[] script, int split, int seed, InMemoryTicketStore? snapshots = null, Action<TicketTestHost>? atSplit = null)
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var random = new Random(seed);
        var tickets = new List<TicketId>();
        split = Math.Clamp(split, 0, script.Length);
        Run(host, script.Take(split), random, tickets);
        atSplit?.Invoke(host);
        Run(host, script.Skip(split), random, tickets);
        return (host, tickets);
    }

    private static void Snapshot(TicketTestHost host, ISnapshotStore snapshots)
    {
        var now = host.Clock.GetCurrentInstant();
        var facts = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai) { SettleEvery = 7 };
        facts.RefreshAsync(now).AsTask().GetAwaiter().GetResult();
        facts.CaptureSnapshot().WriteAsync(snapshots).GetAwaiter().GetResult();
        var index = new SlaDueIndex(Policies);
        index.CatchUpAsync(host.Store).GetAwaiter().GetResult();
        index.CaptureSnapshot().WriteAsync(snapshots).GetAwaiter().GetResult();
        var openWork = new OpenWorkProjection();
        openWork.CatchUpAsync(host.Store).GetAwaiter().GetResult();
        openWork.CaptureSnapshot().WriteAsync(snapshots).GetAwaiter().GetResult();
    }

    /// <summary>The cold-start law: restoring a snapshot taken anywhere in a history and catching up gives what a rebuild from position 0 gives.</summary>
    [Property(MaxTest = 60)]
    public void Snapshot_plus_catch_up_equals_a_full_rebuild(byte[] script, int split, int seed)
    {
        script ??= [];
        var snapshots = new InMemoryTicketStore();
        var (host, tickets) = Scripted(script, split < 0 ? -(split + 1) : split, seed, atSplit: h => Snapshot(h, snapshots));
        var now = host.Clock.GetCurrentInstant() + Duration.FromHours(5);

        var full = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
        full.RefreshAsync(now).AsTask().GetAwaiter().GetResult();
        var restored = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
        Assert.Equal(SnapshotStatus.Restored, restored.RestoreSnapshotAsync(snapshots).GetAwaiter().GetResult().Status);
        restored.RefreshAsync(now).AsTask().GetAwaiter().GetResult();
        AssertSameFacts(full, restored, tickets);

        var fullIndex = new SlaDueIndex(Policies);
        fullIndex.CatchUpAsync(host.Store).GetAwaiter().GetResult();
        var restoredIndex = new SlaDueIndex(Policies);
        Assert.True(restoredIndex.RestoreSnapshotAsync(host.Store, snapshots).GetAwaiter().GetResult().IsRestored);
        restoredIndex.CatchUpAsync(host.Store).GetAwaiter().GetResult();
        AssertSameIndex(fullIndex, restoredIndex, now);

        var fullWork = new OpenWorkProjection();
        fullWork.CatchUpAsync(host.Store).GetAwaiter().GetResult();
        var restoredWork = new OpenWorkProjection();
        Assert.True(restoredWork.RestoreSnapshotAsync(host.Store, snapshots).GetAwaiter().GetResult().IsRestored);
        restoredWork.CatchUpAsync(host.Store).GetAwaiter().GetResult();
        AssertSameOpenWork(fullWork, restoredWork);
    }

    [Fact]
    public void Seeded_scripts_snapshot_open_and_settled_tickets_and_reopen_some_after_the_snapshot_so_the_law_is_not_vacuous()
    {
        var random = new Random(20261203);
        var (settled, open, reopenedAfter) = (0, 0, 0);
        for (var i = 0; i < 20; i++)
        {
            var script = new byte[200];
            random.NextBytes(script);
            var snapshots = new InMemoryTicketStore();
            long at = 0;
            var (host, _) = Scripted(script, 100, random.Next(), atSplit: h => { Snapshot(h, snapshots); at = h.Store.Count; });
            var state = ((TicketFactProjection)Restored(host, snapshots)).CaptureState();
            settled += state.Settled.Length;
            open += state.Open.Length;
            reopenedAfter += host.Store.ReadFeedAsync(at).ToBlockingEnumerable().Count(r => r.Event is TicketReopened { BySurvey: true });
        }

        Assert.True(settled > 0 && open > 0 && reopenedAfter > 0, $"settled {settled}, open {open}, reopened after the snapshot {reopenedAfter}");

        static object Restored(TicketTestHost host, ISnapshotStore snapshots)
        {
            var p = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
            Assert.True(p.RestoreSnapshotAsync(snapshots).GetAwaiter().GetResult().IsRestored);
            return p;
        }
    }

    private static async Task<(TicketTestHost Host, List<TicketId> Tickets, InMemoryTicketStore Snapshots)> HostWithSnapshotsAsync()
    {
        var random = new Random(7);
        var script = new byte[80];
        random.NextBytes(script);
        var snapshots = new InMemoryTicketStore();
        var (host, tickets) = Scripted(script, 50, 11, atSplit: h => Snapshot(h, snapshots));
        await Task.CompletedTask;
        return (host, tickets, snapshots);
    }

    /// <summary>A refused snapshot leaves the read model empty; its refresh then rebuilds it from the events, equal to a full rebuild.</summary>
    private static async Task AssertRefusedAndRebuiltAsync(TicketTestHost host, List<TicketId> tickets, ISnapshotStore snapshots, SnapshotStatus expected, SlaPolicySet? policies = null, DateTimeZone? zone = null)
    {
        policies ??= Policies;
        zone ??= Shanghai;
        var now = host.Clock.GetCurrentInstant();
        var projection = new TicketFactProjection(host.Store, policies, timeZone: zone);
        var result = await projection.RestoreSnapshotAsync(snapshots);
        Assert.Equal(expected, result.Status);
        Assert.False(result.IsRestored);
        Assert.Equal(0, result.Position);
        Assert.NotEmpty(result.Detail);
        Assert.Equal((0L, 0, 0), (projection.Position, projection.Facts.Count, projection.OpenTickets));
        await projection.RefreshAsync(now);
        var full = new TicketFactProjection(host.Store, policies, timeZone: zone);
        await full.RefreshAsync(now);
        AssertSameFacts(full, projection, tickets);
    }

    [Fact]
    public async Task A_missing_snapshot_is_reported_and_the_projection_rebuilt()
    {
        var (host, tickets, _) = await HostWithSnapshotsAsync();
        await AssertRefusedAndRebuiltAsync(host, tickets, new InMemoryTicketStore(), SnapshotStatus.Missing);
    }

    [Fact]
    public async Task A_truncated_snapshot_is_detected_at_every_cut_and_rebuilt()
    {
        var (host, tickets, snapshots) = await HostWithSnapshotsAsync();
        var bytes = (await snapshots.ReadSnapshotAsync(ReadModelSnapshots.TicketFactsName))!;
        foreach (var cut in new[] { 3, 8, 11, 40, bytes.Length / 2, bytes.Length - 33, bytes.Length - 1 })
        {
            var damaged = new InMemoryTicketStore();
            await damaged.WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, bytes.AsMemory(0, cut));
            await AssertRefusedAndRebuiltAsync(host, tickets, damaged, SnapshotStatus.Truncated);
        }
    }

    [Property(MaxTest = 40)]
    public void A_snapshot_with_any_byte_flipped_is_never_trusted(int at, byte mask)
    {
        var (host, tickets, snapshots) = HostWithSnapshotsAsync().GetAwaiter().GetResult();
        var bytes = snapshots.ReadSnapshotAsync(ReadModelSnapshots.TicketFactsName).AsTask().GetAwaiter().GetResult()!;
        var i = (int)((uint)at % (uint)bytes.Length);
        bytes[i] ^= mask == 0 ? (byte)1 : mask;
        var damaged = new InMemoryTicketStore();
        damaged.WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, bytes).AsTask().GetAwaiter().GetResult();
        var projection = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
        var result = projection.RestoreSnapshotAsync(damaged).GetAwaiter().GetResult();
        Assert.False(result.IsRestored, $"byte {i} flipped and the snapshot was trusted");
        Assert.Contains(result.Status, new[] { SnapshotStatus.Corrupt, SnapshotStatus.Truncated, SnapshotStatus.OtherVersion });
        Assert.Equal(0, projection.Facts.Count);
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_detected_and_rebuilt()
    {
        var (host, tickets, snapshots) = await HostWithSnapshotsAsync();
        var bytes = (await snapshots.ReadSnapshotAsync(ReadModelSnapshots.TicketFactsName))!;
        bytes[bytes.Length / 2] ^= 0x40;
        var damaged = new InMemoryTicketStore();
        await damaged.WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, bytes);
        await AssertRefusedAndRebuiltAsync(host, tickets, damaged, SnapshotStatus.Corrupt);

        await damaged.WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, "not a snapshot at all"u8.ToArray());
        await AssertRefusedAndRebuiltAsync(host, tickets, damaged, SnapshotStatus.Corrupt);
    }

    private static readonly int FactSize = System.Runtime.CompilerServices.Unsafe.SizeOf<TicketFact>();

    [Fact]
    public async Task A_snapshot_of_an_older_format_another_library_version_or_another_fact_layout_is_rebuilt()
    {
        var (host, tickets, snapshots) = await HostWithSnapshotsAsync();
        var bytes = (await snapshots.ReadSnapshotAsync(ReadModelSnapshots.TicketFactsName))!;
        var projection = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
        Assert.True((await projection.RestoreSnapshotAsync(snapshots)).IsRestored);
        var state = projection.CaptureState();
        var check = SnapshotFormat.Check(bytes, "ticket-facts", Header(bytes).Version, Header(bytes).Settings);
        Assert.Equal(SnapshotStatus.Restored, check.Status);

        // Format 0 in the envelope.
        var older = (byte[])bytes.Clone();
        older[8] = 0;
        await AssertRefusedWith(older, SnapshotStatus.OtherVersion, "format 0");

        // Another library version, and a TicketFact of another size and layout (a measure added), each re-encoded with a valid checksum.
        var header = Header(bytes);
        foreach (var version in new[] { header.Version.Replace(SnapshotFormat.LibraryVersion, "0.9.0.0", StringComparison.Ordinal), header.Version.Replace($"TicketFact {FactSize} B", $"TicketFact {FactSize + 8} B", StringComparison.Ordinal) })
        {
            Assert.NotEqual(header.Version, version);
            var other = SnapshotFormat.Encode(header with { Version = version }, w => w.WriteBytes(Payload(bytes)));
            await AssertRefusedWith(other, SnapshotStatus.OtherVersion, "written as");
        }

        Assert.Contains($"TicketFact {FactSize} B", SnapshotFormat.FactLayout, StringComparison.Ordinal);
        Assert.Contains("0:receivedMinute:Int32", SnapshotFormat.FactLayout, StringComparison.Ordinal);
        Assert.True(state.Facts.Length > 0);

        async Task AssertRefusedWith(byte[] content, SnapshotStatus status, string detail)
        {
            var store = new InMemoryTicketStore();
            await store.WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, content);
            var fresh = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
            var result = await fresh.RestoreSnapshotAsync(store);
            Assert.Equal(status, result.Status);
            Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
            await AssertRefusedAndRebuiltAsync(host, tickets, store, status);
        }
    }

    [Fact]
    public async Task A_snapshot_built_under_other_policies_calendars_or_zone_is_rebuilt()
    {
        var (host, tickets, snapshots) = await HostWithSnapshotsAsync();
        await AssertRefusedAndRebuiltAsync(host, tickets, snapshots, SnapshotStatus.OtherSettings, zone: DateTimeZone.Utc);
        var stricter = Policies with { Policies = [.. Policies.Policies.Select(p => p with { Targets = [.. p.Targets.Select(t => t with { Duration = t.Duration + Duration.FromMinutes(1) })] })] };
        await AssertRefusedAndRebuiltAsync(host, tickets, snapshots, SnapshotStatus.OtherSettings, policies: stricter);
        var business = Policies.WithCalendar(SlaPolicySet.DefaultCalendarName, AfterSales.Quality.Tests.Sla.SlaGoldenTests.China.Calendars[SlaPolicySet.DefaultCalendarName]);
        await AssertRefusedAndRebuiltAsync(host, tickets, snapshots, SnapshotStatus.OtherSettings, policies: business);
        var thresholds = Policies with { WarningThresholds = [0.5, 0.9] };
        Assert.NotEqual(SnapshotFormat.Fingerprint(Policies), SnapshotFormat.Fingerprint(thresholds));
        Assert.Equal(SnapshotFormat.Fingerprint(Policies), SnapshotFormat.Fingerprint(Policies with { }));

        var index = new SlaDueIndex(stricter);
        Assert.Equal(SnapshotStatus.OtherSettings, (await index.RestoreSnapshotAsync(host.Store, snapshots)).Status);
        Assert.Equal((0L, 0), (index.Position, index.OpenTickets));
    }

    [Fact]
    public async Task A_snapshot_of_another_feed_is_rebuilt()
    {
        var (_, _, snapshots) = await HostWithSnapshotsAsync();
        var (other, otherTickets, _) = await HostWithSnapshotsAsync(); // the same script on another store: other ticket ids at the same positions
        await AssertRefusedAndRebuiltAsync(other, otherTickets, snapshots, SnapshotStatus.OtherFeed);
        var empty = new TicketTestHost();
        await AssertRefusedAndRebuiltAsync(empty, [], snapshots, SnapshotStatus.OtherFeed);
        Assert.Equal(SnapshotStatus.OtherFeed, (await new SlaDueIndex(Policies).RestoreSnapshotAsync(other.Store, snapshots)).Status);
        Assert.Equal(SnapshotStatus.OtherFeed, (await new OpenWorkProjection().RestoreSnapshotAsync(other.Store, snapshots)).Status);
    }

    [Fact]
    public async Task A_snapshot_of_one_read_model_is_not_taken_for_another()
    {
        var (host, tickets, snapshots) = await HostWithSnapshotsAsync();
        var index = new InMemoryTicketStore();
        await index.WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, (await snapshots.ReadSnapshotAsync(ReadModelSnapshots.SlaDueIndexName))!);
        await AssertRefusedAndRebuiltAsync(host, tickets, index, SnapshotStatus.OtherVersion);
    }

    [Fact]
    public async Task Restoring_into_a_used_read_model_or_with_bad_arguments_is_refused_by_name()
    {
        var (host, _, snapshots) = await HostWithSnapshotsAsync();
        var projection = new TicketFactProjection(host.Store, Policies, timeZone: Shanghai);
        await projection.RefreshAsync(host.Clock.GetCurrentInstant());
        await Assert.ThrowsAsync<InvalidOperationException>(() => projection.RestoreSnapshotAsync(snapshots));
        var index = new SlaDueIndex(Policies);
        await index.CatchUpAsync(host.Store);
        await Assert.ThrowsAsync<InvalidOperationException>(() => index.RestoreSnapshotAsync(host.Store, snapshots));
        var openWork = new OpenWorkProjection();
        await openWork.CatchUpAsync(host.Store);
        await Assert.ThrowsAsync<InvalidOperationException>(() => openWork.RestoreSnapshotAsync(host.Store, snapshots));

        var fresh = new TicketFactProjection(host.Store, Policies);
        Assert.Equal("snapshots", (await Assert.ThrowsAsync<ArgumentNullException>(() => fresh.RestoreSnapshotAsync(null!))).ParamName);
        Assert.Equal("name", (await Assert.ThrowsAsync<ArgumentException>(() => fresh.RestoreSnapshotAsync(snapshots, " "))).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => fresh.CaptureSnapshot(new string('x', 201))).ParamName);
        Assert.Equal("name", (await Assert.ThrowsAsync<ArgumentException>(async () => await snapshots.WriteSnapshotAsync("", new byte[1]))).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotSchedule(snapshots, Duration.Zero, host.Clock)).ParamName);
    }

    [Fact]
    public async Task The_schedule_writes_at_most_once_an_interval_in_the_background_and_skips_an_unchanged_position()
    {
        var (host, _, _) = await HostWithSnapshotsAsync();
        var snapshots = new InMemoryTicketStore();
        var clock = new FakeClock(Instant.FromUtc(2024, 6, 1, 0, 0));
        var schedule = new SnapshotSchedule(snapshots, Duration.FromMinutes(5), clock);
        var index = new SlaDueIndex(Policies);
        await index.CatchUpAsync(host.Store);
        var captures = 0;
        ReadModelSnapshot Capture()
        {
            captures++;
            return index.CaptureSnapshot();
        }

        Assert.True(schedule.WriteIfDue(Capture));
        await schedule.Pending;
        Assert.Equal(index.Position, schedule.LastWrittenPosition);
        Assert.Null(schedule.LastError);
        Assert.False(schedule.WriteIfDue(Capture)); // within the interval: not even captured
        Assert.Equal(1, captures);
        clock.Advance(Duration.FromMinutes(5));
        Assert.False(schedule.WriteIfDue(Capture)); // due, but nothing new since the last snapshot
        Assert.Equal(2, captures);

        await host.Register();
        await index.CatchUpAsync(host.Store);
        Assert.True(schedule.WriteIfDue(Capture));
        await schedule.Pending;
        Assert.Equal(index.Position, schedule.LastWrittenPosition);
        var restored = new SlaDueIndex(Policies);
        Assert.Equal(index.Position, (await restored.RestoreSnapshotAsync(host.Store, snapshots)).Position);
    }

    [Fact]
    public async Task A_failed_background_write_is_kept_and_retried_at_the_next_interval()
    {
        var host = new TicketTestHost();
        await host.Register();
        var failing = new FailingSnapshotStore();
        var clock = new FakeClock(Instant.FromUtc(2024, 6, 1, 0, 0));
        var schedule = new SnapshotSchedule(failing, Duration.FromMinutes(1), clock);
        var openWork = new OpenWorkProjection();
        await openWork.CatchUpAsync(host.Store);
        Assert.True(schedule.WriteIfDue(() => openWork.CaptureSnapshot()));
        await schedule.Pending;
        Assert.IsType<IOException>(schedule.LastError);
        Assert.Null(schedule.LastWrittenPosition);
        clock.Advance(Duration.FromMinutes(1));
        failing.Fail = false;
        Assert.True(schedule.WriteIfDue(() => openWork.CaptureSnapshot()));
        await schedule.Pending;
        Assert.Null(schedule.LastError);
        Assert.Equal(openWork.Position, schedule.LastWrittenPosition);
    }

    private sealed class FailingSnapshotStore : ISnapshotStore
    {
        private readonly InMemoryTicketStore inner = new();

        public bool Fail { get; set; } = true;

        public ValueTask<byte[]?> ReadSnapshotAsync(string name, CancellationToken cancellationToken = default) => inner.ReadSnapshotAsync(name, cancellationToken);

        public ValueTask WriteSnapshotAsync(string name, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken = default) =>
            Fail ? throw new IOException("disk full") : inner.WriteSnapshotAsync(name, snapshot, cancellationToken);
    }

    private static SnapshotHeader Header(byte[] bytes) => SnapshotFormat.Check(bytes, "ticket-facts", ReadVersion(bytes), ReadSettings(bytes)).Header!;

    private static string ReadVersion(byte[] bytes)
    {
        var reader = new SnapshotPayloadReader(bytes, 12);
        reader.ReadString();
        return reader.ReadString();
    }

    private static string ReadSettings(byte[] bytes)
    {
        var reader = new SnapshotPayloadReader(bytes, 12);
        reader.ReadString();
        reader.ReadString();
        return reader.ReadString();
    }

    private static byte[] Payload(byte[] bytes)
    {
        var check = SnapshotFormat.Check(bytes, "ticket-facts", ReadVersion(bytes), ReadSettings(bytes));
        var start = check.Payload!.Offset;
        return bytes[start..^32];
    }
}
