using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// An export imported cleanly before into the same store under the same mapping is recognised whole
/// (<see cref="ImportReport.ExportUnchanged"/>): its rows are not parsed, nothing is written, and the report is
/// the one a case-by-case re-run gives. Anything else — another text, mapping or zone, a problem or a row notice,
/// an earlier import clock, an export too long to hold — is read case by case as before.
/// </summary>
public sealed class WholeExportTests : IDisposable
{
    private const string Header = "case,activity,agent,time\n";
    private const string Rows = "A,Open,,2024-01-01T08:00:00Z\nA,Work,ann,2024-01-01T09:00:00Z\nB,Open,,2024-01-02T08:00:00Z\nB,Work,bob,2024-01-02T09:00:00Z\nB,Done,bob,2024-01-02T10:00:00Z\n";
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-import-whole-").FullName;

    private static EventLogMapping Mapping => With(_ => { });

    private static EventLogMapping With(Action<EventLogMapping> change)
    {
        var mapping = new EventLogMapping
        {
            Source = "whole", CaseIdColumn = "case", TimestampColumn = "time", ActivityColumns = ["activity"], AgentColumn = "agent",
            Activities = new Dictionary<string, ImportAction> { ["Open"] = ImportAction.Register, ["Work"] = ImportAction.StartWork, ["Done"] = ImportAction.Resolve },
        };
        change(mapping);
        return mapping;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private ITicketBatchStore Store(string kind) => kind == "sqlite"
        ? new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, $"{Guid.NewGuid():N}.db"), AllowPlaintextPersonalData = true })
        : new InMemoryTicketStore();

    private static EventLogImporter Importer(ITicketBatchStore store, IClock? clock = null) => new(store, (Numbering.ISequenceStore)store, clock ?? Clock);

    private static async Task<int> FeedCount(ITicketStore store)
    {
        var count = 0;
        await foreach (var _ in store.ReadFeedAsync(0))
        {
            count++;
        }

        return count;
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task An_unchanged_export_is_recognised_whole_and_answered_as_the_case_by_case_re_run(string kind)
    {
        var store = Store(kind);
        var first = await Importer(store).ImportAsync(new StringReader(Header + Rows), Mapping);
        Assert.Equal((5, 2, false), (first.Rows, first.Tickets, first.ExportUnchanged));
        Assert.Empty(first.Problems);
        var events = await FeedCount(store);

        var progress = new List<ImportProgress>();
        var again = await Importer(store).ImportAsync(new StringReader(Header + Rows), Mapping, new SynchronousProgress(progress));
        Assert.Equal((5, 2, 0L, 2, true), (again.Rows, again.Tickets, again.EventsAppended, again.UnchangedTickets, again.ExportUnchanged));
        Assert.Empty(again.Problems);
        Assert.Empty(again.Notices);
        Assert.Equal(new ImportProgress(5, 2, 2, 0), Assert.Single(progress));
        Assert.Equal(events, await FeedCount(store));

        // The report is the one the case-by-case re-run gives (the same rows in another text are read case by case).
        var byCase = await Importer(store).ImportAsync(new StringReader(Header + Rows.Replace("\n", "\r\n", StringComparison.Ordinal)), Mapping);
        Assert.Equal((again.Rows, again.Tickets, again.EventsAppended, again.UnchangedTickets, false), (byCase.Rows, byCase.Tickets, byCase.EventsAppended, byCase.UnchangedTickets, byCase.ExportUnchanged));
        (store as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task A_changed_export_is_read_case_by_case_and_then_recognised_whole_in_its_turn()
    {
        var store = Store("sqlite");
        await Importer(store).ImportAsync(new StringReader(Header + Rows), Mapping);
        var changed = Header + Rows + "A,Done,ann,2024-01-01T11:00:00Z\n";
        var report = await Importer(store).ImportAsync(new StringReader(changed), Mapping);
        Assert.Equal((2, 1, false), (report.Tickets, report.UnchangedTickets, report.ExportUnchanged));
        Assert.True(report.EventsAppended > 0);
        var again = await Importer(store).ImportAsync(new StringReader(changed), Mapping);
        Assert.Equal((2, 2, 0L, true), (again.Tickets, again.UnchangedTickets, again.EventsAppended, again.ExportUnchanged));

        // The first export is no longer the one recorded: read case by case, nothing appended (its rows are in the store).
        var old = await Importer(store).ImportAsync(new StringReader(Header + Rows), Mapping);
        Assert.Equal((0L, false), (old.EventsAppended, old.ExportUnchanged));
        ((IDisposable)store).Dispose();
    }

    [Fact]
    public async Task An_export_with_a_refused_row_is_never_recognised_whole_and_its_problem_is_reported_on_every_run()
    {
        var store = Store("memory");
        var text = Header + Rows + "B,Work,bob,not a time\n";
        var first = await Importer(store).ImportAsync(new StringReader(text), Mapping);
        var problem = Assert.Single(first.Problems);
        Assert.Equal(7, problem.LineNumber);
        var again = await Importer(store).ImportAsync(new StringReader(text), Mapping);
        Assert.False(again.ExportUnchanged);
        Assert.Equal(first.Problems, again.Problems);
        Assert.Equal((2, 0L), (again.UnchangedTickets, again.EventsAppended));
    }

    [Fact]
    public async Task A_row_notice_keeps_the_export_read_case_by_case_so_the_notice_is_given_again()
    {
        // bob's rows carry an assessment the mapping does not know: imported without it, with a notice of the row.
        var mapping = With(m =>
        {
            m.AssessmentColumns = ["agent"];
            m.Assessments = new Dictionary<string, Prioritization.PriorityAssessment> { ["ann"] = new() };
        });
        var store = Store("memory");
        var first = await Importer(store).ImportAsync(new StringReader(Header + Rows), mapping);
        Assert.Empty(first.Problems);
        Assert.Equal([5, 6], first.Notices.Select(n => n.LineNumber));
        var again = await Importer(store).ImportAsync(new StringReader(Header + Rows), mapping);
        Assert.False(again.ExportUnchanged);
        Assert.Equal(first.Notices, again.Notices);
        Assert.Equal((2, 0L), (again.UnchangedTickets, again.EventsAppended));
    }

    [Fact]
    public async Task Another_mapping_or_time_zone_reads_the_same_text_case_by_case()
    {
        var store = Store("memory");
        await Importer(store).ImportAsync(new StringReader(Header + Rows), Mapping);
        var otherZone = await Importer(store).ImportAsync(new StringReader(Header + Rows), With(m => m.TimeZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"]));
        Assert.False(otherZone.ExportUnchanged);
        var otherActivities = await Importer(store).ImportAsync(new StringReader(Header + Rows), With(m => m.CaseSensitiveActivities = true));
        Assert.False(otherActivities.ExportUnchanged);
        Assert.True((await Importer(store).ImportAsync(new StringReader(Header + Rows), With(m => m.CaseSensitiveActivities = true))).ExportUnchanged);
    }

    [Fact]
    public async Task An_import_whose_clock_is_before_the_latest_row_reads_the_export_again_and_refuses_those_rows()
    {
        var store = Store("memory");
        await Importer(store).ImportAsync(new StringReader(Header + Rows), Mapping);
        var early = new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 1, 2, 8, 30));
        var report = await Importer(store, early).ImportAsync(new StringReader(Header + Rows), Mapping);
        Assert.False(report.ExportUnchanged);
        Assert.Equal([5, 6], report.Problems.Select(p => p.LineNumber));
    }

    [Fact]
    public async Task A_fingerprint_the_store_cannot_record_is_a_notice_and_the_import_stands()
    {
        var inner = new InMemoryTicketStore();
        var store = new NoExportRecords(inner);
        var report = await new EventLogImporter(store, inner, Clock).ImportAsync(new StringReader(Header + Rows), Mapping);
        Assert.Empty(report.Problems);
        Assert.Contains("fingerprint could not be recorded", Assert.Single(report.Notices).Reason);
        Assert.Equal(2, report.Tickets);
        var again = await new EventLogImporter(store, inner, Clock).ImportAsync(new StringReader(Header + Rows), Mapping);
        Assert.Equal((false, 2, 0L), (again.ExportUnchanged, again.UnchangedTickets, again.EventsAppended));
    }

    [Fact]
    public async Task An_export_longer_than_the_held_limit_imports_the_same_history_and_is_read_case_by_case()
    {
        var text = new StringBuilder(Header);
        for (var c = 0; c < 1_500; c++)
        {
            var day = 1 + (c % 28);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"C{c},Open,,2024-02-{day:00}T08:00:00Z\nC{c},Work,agent{c % 7},2024-02-{day:00}T09:00:00Z\nC{c},Done,agent{c % 7},2024-02-{day:00}T10:{c % 60:00}:00Z\n");
        }

        Assert.True(text.Length > 2 * 65_536);
        var held = new InMemoryTicketStore();
        var streamed = new InMemoryTicketStore();
        var whole = await Importer(held).ImportAsync(new StringReader(text.ToString()), Mapping);
        var part = await new EventLogImporter(streamed, streamed, Clock) { HeldLimit = 100 }.ImportAsync(new StringReader(text.ToString()), Mapping);
        Assert.Equal((whole.Rows, whole.Tickets, whole.EventsAppended), (part.Rows, part.Tickets, part.EventsAppended));
        Assert.Equal(await Events(held), await Events(streamed));
        var again = await new EventLogImporter(streamed, streamed, Clock) { HeldLimit = 100 }.ImportAsync(new StringReader(text.ToString()), Mapping);
        Assert.Equal((false, 1_500, 0L), (again.ExportUnchanged, again.UnchangedTickets, again.EventsAppended));

        static async Task<List<TicketEvent>> Events(ITicketStore store)
        {
            var events = new List<TicketEvent>();
            await foreach (var e in store.ReadFeedAsync(0))
            {
                events.Add(e.Event);
            }

            return events;
        }
    }

    /// <summary>Whatever the text (block boundaries, surrogate pairs) and however it is read, the held export reads back exactly the text, and its fingerprint is SHA-256 of the prefix, a zero byte and the text's UTF-16LE code units.</summary>
    [Property(MaxTest = 60)]
    public Property A_held_export_reads_back_exactly_the_text_in_any_read_sizes()
    {
        var texts = Gen.Choose(0, 2).SelectMany(blocks => Gen.Choose(-3, 3).SelectMany(delta => Gen.Choose(0, 5).SelectMany(seed => Gen.Choose(1, 70_000).Select(limit =>
            new HeldCase(MakeText(Math.Max(0, blocks * 65_536 + delta), seed), limit, seed)))));
        return Prop.ForAll(texts.ToArbitrary(), c =>
        {
            using var held = HeldExport.Hold(new StringReader(c.Text), c.Limit);
            var random = new Random(c.Seed);
            var read = new StringBuilder();
            var buffer = new char[5_000];
            while (true)
            {
                var peek = held.Peek();
                var mode = random.Next(3);
                int n;
                if (mode == 0)
                {
                    var one = held.Read();
                    if (one != peek)
                    {
                        return false.Label("Read() differs from Peek()");
                    }

                    n = one < 0 ? 0 : 1;
                    if (n == 1)
                    {
                        read.Append((char)one);
                    }
                }
                else
                {
                    var size = 1 + random.Next(buffer.Length);
                    n = mode == 1 ? held.Read(buffer, 0, size) : held.Read(buffer.AsSpan(0, size));
                    read.Append(buffer, 0, n);
                    if (n > 0 && buffer[0] != peek)
                    {
                        return false.Label("the first character read differs from Peek()");
                    }
                }

                if (n == 0)
                {
                    break;
                }
            }

            // Held in blocks of 64 Ki characters until the text ends or the blocks reach the limit.
            var complete = held.Complete == (c.Text.Length < (c.Limit + 65_535) / 65_536 * 65_536);
            var expected = Convert.ToHexString(SHA256.HashData([.. Encoding.UTF8.GetBytes("p"), 0, .. Encoding.Unicode.GetBytes(c.Text)]));
            return (read.ToString() == c.Text).Label("text read back")
                .And(complete.Label("held whole exactly when it ends before the blocks reach the limit"))
                .And((!held.Complete || held.Fingerprint("p") == expected).Label("fingerprint"));
        });
    }

    /// <summary>A generated case, shown by its length (the text itself is too long to print).</summary>
    public sealed record HeldCase(string Text, int Limit, int Seed)
    {
        public override string ToString() => $"text of {Text.Length} characters, limit {Limit}, seed {Seed}";
    }

    private static string MakeText(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            if (random.Next(10) == 0 && text.Length + 2 <= length)
            {
                text.Append("\uD83D\uDE00"); // a surrogate pair, possibly across a block boundary
            }
            else
            {
                text.Append((char)random.Next(32, 0x3000));
            }
        }

        return text.ToString();
    }

    private sealed class SynchronousProgress(List<ImportProgress> seen) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => seen.Add(value);
    }

    /// <summary>A store that refuses to record an export's fingerprint (a zero-event append), as a store that fails at that moment would.</summary>
    private sealed class NoExportRecords(InMemoryTicketStore inner) : ITicketBatchStore
    {
        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) => inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default) =>
            appends.Any(a => a.Events.Count == 0 && a.SourceHash?.Hash.StartsWith("export-", StringComparison.Ordinal) == true)
                ? throw new IOException("disk full")
                : inner.AppendBatchAsync(appends, cancellationToken);

        public ValueTask<IReadOnlyDictionary<TicketId, string>> ReadSourceHashesAsync(string source, CancellationToken cancellationToken = default) => inner.ReadSourceHashesAsync(source, cancellationToken);

        public ValueTask<IReadOnlyList<TicketStream>> ReadStreamsAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default) => inner.ReadStreamsAsync(ticketIds, cancellationToken);
    }
}
