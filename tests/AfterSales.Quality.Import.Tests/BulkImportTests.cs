using AfterSales.Quality.Numbering;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// The bulk path (a store with <see cref="ITicketBatchStore"/>) writes exactly the history the
/// per-command path writes, many cases per transaction; a re-run skips the cases whose source hash the
/// store recorded; one case the store refuses costs no other case.
/// </summary>
public sealed class BulkImportTests : IDisposable
{
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-import-bulk-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private SqliteTicketStore Sqlite() => new(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, $"{Guid.NewGuid():N}.db"), AllowPlaintextPersonalData = true });

    private static async Task<ImportReport> Import(ITicketStore store, ISequenceStore sequences, string file, EventLogMapping mapping, int casesPerTransaction = 500)
    {
        using var reader = SharedData.Open(file);
        return await new EventLogImporter(store, sequences, Clock) { CasesPerTransaction = casesPerTransaction }.ImportAsync(reader, mapping);
    }

    private static async Task<List<RecordedEvent>> Feed(ITicketStore store)
    {
        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        return feed;
    }

    [Fact]
    public async Task The_bulk_path_into_sqlite_writes_the_history_the_per_command_path_writes_and_a_re_run_skips_every_case()
    {
        var perCommand = new InMemoryTicketStore();
        var plain = await Import(new OnlyTicketStore(perCommand), perCommand, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017);
        using var sqlite = Sqlite();
        var bulk = await Import(sqlite, sqlite, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017, casesPerTransaction: 97);

        Assert.Equal((plain.Rows, plain.Tickets, plain.EventsAppended), (bulk.Rows, bulk.Tickets, bulk.EventsAppended));
        Assert.Equal(plain.Problems, bulk.Problems);
        Assert.Equal(plain.Notices, bulk.Notices);
        var expected = await Feed(perCommand);
        var actual = await Feed(sqlite);
        Assert.Equal(expected.Select(e => (e.Position, e.Version, e.Event)), actual.Select(e => (e.Position, e.Version, e.Event)));

        // The re-run of the same text is recognised whole; every case's source hash and the export's record are in the store.
        var again = await Import(sqlite, sqlite, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017);
        Assert.Equal((bulk.Tickets, bulk.Tickets, 0L, true), (again.Tickets, again.UnchangedTickets, again.EventsAppended, again.ExportUnchanged));
        Assert.Equal(bulk.Tickets + 1, (await sqlite.ReadSourceHashesAsync(EventLogMapping.Helpdesk2017.Source)).Count);
        Assert.Equal(actual.Count, (await Feed(sqlite)).Count);

        // The same rows in another text (CRLF line ends): read, every case found by its source hash and skipped unread.
        using var crlf = SharedData.Open("helpdesk-2017.csv.gz");
        var text = (await crlf.ReadToEndAsync()).Replace("\n", "\r\n", StringComparison.Ordinal);
        var cases = await new EventLogImporter(sqlite, sqlite, Clock).ImportAsync(new StringReader(text), EventLogMapping.Helpdesk2017);
        Assert.Equal((bulk.Rows, bulk.Tickets, bulk.Tickets, 0L, false), (cases.Rows, cases.Tickets, cases.UnchangedTickets, cases.EventsAppended, cases.ExportUnchanged));
        Assert.Empty(cases.Problems);
        Assert.Equal(actual.Count, (await Feed(sqlite)).Count);
    }

    [Fact]
    public async Task Row_identities_and_source_hashes_are_the_ones_earlier_versions_recorded()
    {
        // Values recorded by the importer before content hashes were written from a reused buffer (2026-12-03):
        // a store filled by an earlier version must see the same ids and hashes, or a re-run would append the case again.
        var store = new InMemoryTicketStore();
        await Import(store, store, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017);
        var first = (await Feed(store)).Take(4).Select(e => e.Event).ToArray();
        var ticket = new TicketId(Guid.Parse("94d0e273-f6e6-d95a-9727-1a2f1cd65074"));
        Assert.All(first, e => Assert.Equal(ticket, e.TicketId));
        Assert.Equal(
            [
                ("2c651ff1-db94-1e5d-b402-75a16e0770e4", "RegisterTicket:799503d1144ce8f5578036b0-29"),
                ("e4b270fe-93b5-9554-a2a3-a23ff7bd9612", "TriageTicket:df069cab2c8cda85e5196ee9"),
                ("c37be193-241f-6353-9266-9789f2b19cf5", "AssignTicket:32e04748a2324b9fb303cbfc"),
                ("7a5b7122-ac86-c451-849a-b6a2ef9b26ef", "StartWork:ff2a873a5da8ebcf6caeba26"),
            ],
            first.Select(e => (e.CommandId.ToString(), e.CommandFingerprint)));
        var hashes = await ((ITicketBatchStore)store).ReadSourceHashesAsync(EventLogMapping.Helpdesk2017.Source);
        Assert.Equal("90AFB0CD70F7E3072DB4ED4C", hashes[ticket]);
    }

    [Fact]
    public async Task A_changed_case_is_planned_again_and_only_its_new_rows_are_appended()
    {
        const string header = "case,activity,agent,time\n";
        var mapping = new EventLogMapping
        {
            Source = "bulk", CaseIdColumn = "case", TimestampColumn = "time", ActivityColumns = ["activity"], AgentColumn = "agent",
            Activities = new Dictionary<string, ImportAction> { ["Open"] = ImportAction.Register, ["Work"] = ImportAction.StartWork, ["Done"] = ImportAction.Resolve },
        };
        var first = header + "A,Open,,2024-01-01T08:00:00Z\nA,Work,ann,2024-01-01T09:00:00Z\nB,Open,,2024-01-02T08:00:00Z\n";
        var changed = header + "A,Open,,2024-01-01T08:00:00Z\nA,Work,ann,2024-01-01T09:00:00Z\nB,Open,,2024-01-02T08:00:00Z\nB,Done,bob,2024-01-02T10:00:00Z\n";
        using var store = Sqlite();
        var importer = new EventLogImporter(store, store, Clock);
        await importer.ImportAsync(new StringReader(first), mapping);
        var before = (await Feed(store)).Count;
        var report = await importer.ImportAsync(new StringReader(changed), mapping);
        Assert.Equal((2, 1), (report.Tickets, report.UnchangedTickets)); // A skipped by its hash, B planned again
        Assert.Equal(before + report.EventsAppended, (await Feed(store)).Count);
        var b = (await Feed(store)).Select(e => e.Event).OfType<TicketRegistered>().Single(r => r.Intake.ServiceTicketNumber == "B").TicketId;
        Assert.Equal(TicketState.Resolved, await TicketOf(store, b));
        Assert.Equal((2, 2, 0L), await Rerun());

        async Task<(int, int, long)> Rerun()
        {
            var r = await importer.ImportAsync(new StringReader(changed), mapping);
            return (r.Tickets, r.UnchangedTickets, r.EventsAppended);
        }
    }

    [Fact]
    public async Task A_case_the_store_refuses_in_a_batch_is_reported_and_the_other_cases_of_the_batch_are_written()
    {
        var reference = new InMemoryTicketStore();
        var whole = await Import(reference, reference, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017);
        var refused = (await Feed(reference)).Select(e => e.Event).OfType<TicketRegistered>().Single(r => r.Intake.ServiceTicketNumber == "Case 5").TicketId;
        var inner = new InMemoryTicketStore();
        var store = new RefusingBatchStore(inner, refused);
        var report = await Import(store, inner, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017, casesPerTransaction: 50);
        var problem = Assert.Single(report.Problems, p => p.CaseId == "Case 5");
        Assert.Contains("could not be written to the store", problem.Reason);
        Assert.Equal(0, (await inner.ReadStreamAsync(refused)).Version);
        Assert.Equal(whole.Tickets - 1, report.Tickets);
        Assert.Equal((await Feed(reference)).Count(e => e.Event.TicketId != refused), (await Feed(inner)).Count);

        // The store accepts it on the re-run, which imports it and skips the rest by their hashes.
        store.Refused = default;
        var again = await Import(store, inner, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017);
        Assert.Equal((whole.Tickets, whole.Tickets - 1), (again.Tickets, again.UnchangedTickets));
        Assert.Equal(await TicketOf(reference, refused), await TicketOf(inner, refused));
    }

    [Fact]
    public void Cases_per_transaction_outside_its_range_is_refused_with_the_setting_named()
    {
        var store = new InMemoryTicketStore();
        var error = Assert.Throws<QualityValidationException>(() => new EventLogImporter(store, store, Clock) { CasesPerTransaction = 0 });
        Assert.Equal("CasesPerTransaction", Assert.Single(error.Errors).Field);
    }

    private static async Task<TicketState> TicketOf(ITicketStore store, TicketId id) =>
        Ticket.Replay(id, (await store.ReadStreamAsync(id)).Events.Select(e => e.Event)).State;

    /// <summary>A store that is only an <see cref="ITicketStore"/>, as a custom store may be: the importer takes the per-command path.</summary>
    [Fact]
    public async Task Feedback_numbers_drawn_in_blocks_are_the_numbers_drawn_one_by_one_and_the_unused_tails_go_back()
    {
        // One store draws each number in its own statement (a sequence store without blocks), the other in blocks.
        using var single = Sqlite();
        using var blocks = Sqlite();
        var one = await Import(single, new OnlySequences(single), "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017, casesPerTransaction: 97);
        var many = await Import(blocks, blocks, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017, casesPerTransaction: 97);
        Assert.Equal(one.Tickets, many.Tickets);

        static string[] Numbers(List<RecordedEvent> feed) => feed.Select(e => e.Event).OfType<TicketRegistered>().Select(r => r.FeedbackNumber).ToArray();
        var expected = Numbers(await Feed(single));
        Assert.Equal(expected, Numbers(await Feed(blocks)));
        Assert.True(expected.Length > 1_000);

        // Every day's numbers are 1..n without a gap, and the next registration of that day gets n + 1: the tails went back.
        foreach (var day in expected.GroupBy(n => n[..9]).Take(40))
        {
            var sequence = day.Select(n => long.Parse(n[9..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
            Assert.Equal(Enumerable.Range(1, sequence.Length).Select(v => (long)v), sequence);
            Assert.Equal(sequence.Length + 1, await blocks.NextAsync(day.Key));
        }
    }

    private sealed class OnlySequences(ISequenceStore inner) : ISequenceStore
    {
        public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default) => inner.NextAsync(key, cancellationToken);
    }

    private sealed class OnlyTicketStore(ITicketStore inner) : ITicketStore
    {
        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) => inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);
    }

    /// <summary>The in-memory store, refusing any batch that holds one ticket (as a store refuses a write it cannot take).</summary>
    private sealed class RefusingBatchStore(InMemoryTicketStore inner, TicketId refused) : ITicketBatchStore
    {
        public TicketId Refused { get; set; } = refused;

        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) => inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default) =>
            appends.Any(a => a.TicketId == Refused)
                ? throw new InvalidOperationException("the store cannot take this ticket now")
                : inner.AppendBatchAsync(appends, cancellationToken);

        public ValueTask<IReadOnlyDictionary<TicketId, string>> ReadSourceHashesAsync(string source, CancellationToken cancellationToken = default) => inner.ReadSourceHashesAsync(source, cancellationToken);

        public ValueTask<IReadOnlyList<TicketStream>> ReadStreamsAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default) => inner.ReadStreamsAsync(ticketIds, cancellationToken);
    }
}
