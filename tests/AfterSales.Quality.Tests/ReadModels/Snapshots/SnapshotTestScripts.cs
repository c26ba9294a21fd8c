using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.ReadModels.Snapshots;

/// <summary>Random histories of a few tickets (surveys that reopen closed tickets, closes, cancels, time passing) and how read models are compared.</summary>
internal static class SnapshotTestScripts
{
    /// <summary>Runs a script on a host: a byte of 0 mod 29 registers a ticket, any other moves one of the tickets (one in five is a survey).</summary>
    public static void Run(TicketTestHost host, IEnumerable<byte> script, Random random, List<TicketId> tickets)
    {
        foreach (var step in script)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 2000)));
            if (tickets.Count == 0 || step % 29 == 0)
            {
                tickets.Add(host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant(), product: $"model-{step % 3}")).GetAwaiter().GetResult());
                continue;
            }

            var id = tickets[step % tickets.Count];
            TicketCommand command = step % 5 == 0
                ? new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new SurveyAnswers { Satisfaction = random.Next(1, 6) } }
                : SlaHistoryProperties.Command(id, step, random);
            SlaHistoryProperties.TryRun(host, command);
        }
    }

    /// <summary>Each ticket's fact with its dimension codes replaced by their values: equal for equal measures, whatever codes and rows were assigned.</summary>
    public static Dictionary<TicketId, (TicketFact Fact, string Names)> Facts(TicketFactProjection projection, IEnumerable<TicketId> tickets)
    {
        var result = new Dictionary<TicketId, (TicketFact, string)>();
        var d = projection.Dimensions;
        foreach (var id in tickets)
        {
            if (projection.TryGetRow(id, out var row))
            {
                var f = projection.Facts.Facts[row];
                var names = string.Join("|", d.Teams.Decode(f.Team), d.Agents.Decode(f.Agent), d.Products.Decode(f.Product), d.Channels.Decode(f.Channel), d.Categories.Decode(f.Category), d.Segments.Decode(f.Segment));
                result[id] = (f with { Team = 0, Agent = 0, Product = 0, Channel = 0, Category = 0, Segment = 0 }, names);
            }
        }

        return result;
    }

    public static void AssertSameFacts(TicketFactProjection expected, TicketFactProjection actual, IEnumerable<TicketId> tickets)
    {
        var ids = tickets.ToArray();
        Assert.Equal(expected.Facts.Count, actual.Facts.Count);
        Assert.Equal(expected.Position, actual.Position);
        var a = Facts(expected, ids);
        var b = Facts(actual, ids);
        Assert.Equal(a.Count, b.Count);
        foreach (var (id, value) in a)
        {
            Assert.Equal(value, b[id]);
        }
    }

    public static void AssertSameIndex(SlaDueIndex expected, SlaDueIndex actual, Instant now)
    {
        Assert.Equal(expected.Position, actual.Position);
        Assert.Equal(expected.OpenTickets, actual.OpenTickets);
        Assert.Equal(expected.DueBefore(Instant.MaxValue), actual.DueBefore(Instant.MaxValue));
        Assert.Equal(expected.EvaluateAll(now).OrderBy(s => s.TicketId.Value).Select(Describe), actual.EvaluateAll(now).OrderBy(s => s.TicketId.Value).Select(Describe));
    }

    private static string Describe(TicketSla sla) => $"{sla.TicketId} {sla.EvaluatedAt}: {string.Join("; ", sla.Targets.Select(t => $"{t} [{string.Join(",", t.WarningsReached)}]"))}";

    public static void AssertSameOpenWork(OpenWorkProjection expected, OpenWorkProjection actual)
    {
        Assert.Equal(expected.Position, actual.Position);
        Assert.Equal(expected.Query(new OpenWorkQuery { Limit = 100_000 }), actual.Query(new OpenWorkQuery { Limit = 100_000 }));
    }

    public static SlaPolicySet Policies => SlaPolicySet.Default;
}
