using System.Text;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// The bulk path is the per-command path in fewer transactions: for any log (arbitrary, often
/// out-of-order activities, any transaction size) both write the same feed and the same report, and a
/// re-run on the bulk path appends nothing and counts every imported case unchanged.
/// </summary>
public sealed class BulkPathProperties
{
    private static readonly string[] Activities = ["Register", "Triage", "Assign", "TakeInCharge", "StartWork", "AwaitCustomer", "Escalate", "Resolve", "Close", "Cancel"];
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    private static readonly EventLogMapping Mapping = new()
    {
        Source = "property",
        CaseIdColumn = "case",
        TimestampColumn = "time",
        ActivityColumns = ["activity"],
        Activities = Activities.ToDictionary(a => a, Enum.Parse<ImportAction>),
        AgentColumn = "agent",
        TeamColumn = "team",
    };

    [Property(MaxTest = 40)]
    public bool Bulk_and_per_command_paths_write_the_same_history_and_a_bulk_re_run_appends_nothing(byte[][] cases, byte transactionSize)
    {
        var source = new StringBuilder("case,activity,agent,team,time\n");
        var at = Instant.FromUtc(2020, 1, 1, 0, 0);
        for (var c = 0; c < Math.Min(cases.Length, 8); c++)
        {
            foreach (var code in (cases[c] ?? []).Take(10))
            {
                at += Duration.FromMinutes(1 + code % 50);
                source.Append($"C{c % 5},{Activities[code % Activities.Length]},{(code / 10 % 3 == 0 ? "" : $"agent {code / 10 % 3}")},{(code / 30 % 2 == 0 ? "" : "team b")},{InstantPattern.ExtendedIso.Format(at)}\n");
            }
        }

        var csv = source.ToString();
        return Check(csv, 1 + transactionSize % 4).GetAwaiter().GetResult();
    }

    private static async Task<bool> Check(string csv, int casesPerTransaction)
    {
        var bulk = new InMemoryTicketStore();
        var perCommand = new InMemoryTicketStore();
        var bulkImporter = new EventLogImporter(bulk, bulk, Clock) { CasesPerTransaction = casesPerTransaction };
        var a = await bulkImporter.ImportAsync(new StringReader(csv), Mapping);
        var b = await new EventLogImporter(new OnlyTicketStore(perCommand), perCommand, Clock).ImportAsync(new StringReader(csv), Mapping);
        var again = await bulkImporter.ImportAsync(new StringReader(csv), Mapping);
        var cleanCases = a.Tickets - a.Problems.Where(p => p.CaseId is not null).Select(p => p.CaseId).Distinct().Count();
        return (a.Rows, a.Tickets, a.EventsAppended) == (b.Rows, b.Tickets, b.EventsAppended)
            && a.Problems.SequenceEqual(b.Problems) && a.Notices.SequenceEqual(b.Notices)
            && (await Feed(bulk)).SequenceEqual(await Feed(perCommand))
            && again.EventsAppended == 0 && again.UnchangedTickets >= cleanCases && again.Tickets == a.Tickets;
    }

    private static async Task<List<(long, long, TicketEvent)>> Feed(ITicketStore store)
    {
        var feed = new List<(long, long, TicketEvent)>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add((e.Position, e.Version, e.Event));
        }

        return feed;
    }

    private sealed class OnlyTicketStore(ITicketStore inner) : ITicketStore
    {
        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) => inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);
    }
}
