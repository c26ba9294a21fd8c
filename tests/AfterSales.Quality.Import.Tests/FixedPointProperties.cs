using System.Text;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// Import → export of the library's own history as an event log → re-import is a fixed point: the
/// second export is the first, whatever the (arbitrary, often out-of-order) source activities were.
/// </summary>
public sealed class FixedPointProperties
{
    private static readonly string[] Activities = ["Register", "Triage", "Assign", "TakeInCharge", "StartWork", "AwaitCustomer", "Escalate", "Resolve", "Cancel"];
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));
    private static readonly InstantPattern Time = InstantPattern.ExtendedIso;

    private static EventLogMapping Mapping() => new()
    {
        Source = "library",
        CaseIdColumn = "case",
        TimestampColumn = "time",
        ActivityColumns = ["activity"],
        Activities = Activities.ToDictionary(a => a, Enum.Parse<ImportAction>),
        AgentColumn = "agent",
    };

    /// <summary>The library's own history written as an event log, one row per event that an activity expresses.</summary>
    private static async Task<string> Export(InMemoryTicketStore store)
    {
        var csv = new StringBuilder("case,activity,agent,time\n");
        await foreach (var recorded in store.ReadFeedAsync(0))
        {
            var e = recorded.Event;
            var (activity, agent) = e switch
            {
                TicketRegistered => ("Register", ""),
                TicketTriaged => ("Triage", ""),
                TicketAssigned a => ("Assign", a.Assignee),
                TicketReassigned r => ("Assign", r.Assignee),
                WorkStarted or PendingCustomerEnded => ("StartWork", ""),
                ResponseRecorded => ("TakeInCharge", ""),
                PendingCustomerStarted => ("AwaitCustomer", ""),
                TicketEscalated => ("Escalate", ""),
                TicketResolved => ("Resolve", ""),
                TicketCancelled => ("Cancel", ""),
                _ => ((string?)null, ""), // revisit and reopen: the next assignment after a resolution says it
            };
            if (activity is not null)
            {
                var key = (await store.ReadStreamAsync(e.TicketId)).Events[0].Event is TicketRegistered reg ? reg.Intake.ServiceTicketNumber : "?";
                csv.Append($"{key},{activity},{agent},{Time.Format(e.OccurredAt)}\n");
            }
        }

        return csv.ToString();
    }

    private static async Task<string> ImportAndExport(string csv)
    {
        var store = new InMemoryTicketStore();
        var report = await new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(csv), Mapping());
        Assert.DoesNotContain(report.Problems, p => p.Reason.Contains("could not be written", StringComparison.Ordinal));
        return await Export(store);
    }

    [Property(MaxTest = 60)]
    public bool Import_export_reimport_is_a_fixed_point(byte[][] cases)
    {
        var source = new StringBuilder("case,activity,agent,time\n");
        var at = Instant.FromUtc(2020, 1, 1, 0, 0);
        for (var c = 0; c < Math.Min(cases.Length, 6); c++)
        {
            foreach (var code in (cases[c] ?? []).Take(12))
            {
                at += Duration.FromMinutes(1 + code % 90);
                source.Append($"C{c},{Activities[code % Activities.Length]},{(code / 9 % 4 == 0 ? "" : $"agent {code / 9 % 4}")},{Time.Format(at)}\n");
            }
        }

        var first = ImportAndExport(source.ToString()).GetAwaiter().GetResult();
        var second = ImportAndExport(first).GetAwaiter().GetResult();
        return first == second;
    }

    [Fact]
    public async Task A_log_with_a_wait_a_reopen_and_a_transfer_exports_its_history_and_reimports_to_it()
    {
        const string csv = "case,activity,agent,time\n" +
            "C0,Resolve,agent 1,2020-01-01T01:00:00Z\n" +
            "C0,AwaitCustomer,,2020-01-01T02:00:00Z\n" +
            "C0,StartWork,agent 2,2020-01-01T03:00:00Z\n" +
            "C0,Resolve,,2020-01-01T04:00:00Z\n";
        var first = await ImportAndExport(csv);
        Assert.Equal(
            ["Register", "Triage", "Assign", "StartWork", "Resolve", "Triage", "Assign", "StartWork", "AwaitCustomer", "StartWork", "Assign", "StartWork", "Resolve"],
            first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1]));
        Assert.Equal(first, await ImportAndExport(first));
    }
}
