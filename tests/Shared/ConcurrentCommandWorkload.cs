using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;
using Xunit.Abstractions;

namespace AfterSales.Quality.Storage.Testing;

/// <summary>
/// The reliability workload shared by the store test projects (linked source, not a package): 8
/// writers each execute 10,000 commands through the real <see cref="TicketService"/>. Nine commands
/// in ten move the writer's own tickets through the whole lifecycle (register, triage, assign,
/// start, reply, wait for the customer, resume, resolve, revisit, close), five tickets in flight at
/// a time so their streams interleave in the feed; one in ten is a reply on a shared ticket that
/// every writer targets at the same moment (a hot ticket changes every 50 shared replies, so its stream stays short to read), retried
/// with the same command id on <see cref="TicketConcurrencyException"/>. Then it checks that no
/// event was lost or duplicated and that the feed replays to the same tickets as the streams.
/// </summary>
internal static class ConcurrentCommandWorkload
{
    public const int Writers = 8;
    public const int CommandsPerWriter = 10_000;
    private const int SharedEvery = 10;
    private const int RepliesPerHotTicket = 50;
    private const int InFlight = 5;
    private const int StepsPerTicket = 10;
    private const int SharedTickets = Writers * CommandsPerWriter / SharedEvery / RepliesPerHotTicket;

    public static async Task RunAsync(string storeName, ITicketStore store, ISequenceStore sequences, ITestOutputHelper output)
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 3, 1, 2, 0));
        var service = new TicketService(store, sequences, clock);
        var shared = Enumerable.Range(0, SharedTickets).Select(_ => TicketId.New()).ToArray();
        var applied = new ConcurrentBag<TicketCommandResult>();
        foreach (var id in shared)
        {
            applied.Add(await service.ExecuteAsync(Register(id, "setup", clock.GetCurrentInstant())));
        }

        var sharedCounter = -1;
        var conflicts = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var owned = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var mine = new List<TicketId>();
            var own = 0;
            for (var i = 0; i < CommandsPerWriter; i++)
            {
                TicketCommand command;
                if (i % SharedEvery == SharedEvery - 1)
                {
                    var n = Interlocked.Increment(ref sharedCounter);
                    command = new RecordResponse { TicketId = shared[n / RepliesPerHotTicket], CommandId = Guid.NewGuid(), Actor = $"writer-{w}", Summary = $"shared {w}/{i}" };
                }
                else
                {
                    var slot = own % InFlight;
                    var step = own / InFlight % StepsPerTicket;
                    var index = (own / (InFlight * StepsPerTicket) * InFlight) + slot;
                    if (step == 0)
                    {
                        mine.Add(TicketId.New());
                    }

                    command = Lifecycle(step, mine[index], $"writer-{w}", clock.GetCurrentInstant());
                    own++;
                }

                while (true)
                {
                    try
                    {
                        applied.Add(await service.ExecuteAsync(command));
                        break;
                    }
                    catch (TicketConcurrencyException)
                    {
                        Interlocked.Increment(ref conflicts); // retried with the same command id: appended at most once
                    }
                }
            }

            return mine;
        })));
        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var results = applied.ToArray();
        var timedEvents = results.Where(r => r.NewEvents[0].Event.Actor != "setup").Sum(r => r.NewEvents.Count);
        Assert.Equal(SharedTickets + (Writers * CommandsPerWriter), results.Length);
        Assert.DoesNotContain(results, r => r.AlreadyApplied);
        var committed = results.SelectMany(r => r.NewEvents).ToArray();

        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        // No lost and no duplicated event: the feed is exactly the events the successful commands appended.
        Assert.Equal(committed.Length, feed.Count);
        for (var i = 1; i < feed.Count; i++)
        {
            Assert.True(feed[i].Position > feed[i - 1].Position, $"Feed position {feed[i].Position} follows {feed[i - 1].Position}.");
        }

        var byPosition = feed.ToDictionary(e => e.Position);
        foreach (var e in committed)
        {
            Assert.True(byPosition.Remove(e.Position, out var stored), $"Position {e.Position} of command {e.Event.CommandId} is missing from the feed or listed twice.");
            Assert.Equal(e, stored);
        }

        Assert.Empty(byPosition);
        Assert.Equal(committed.Length, feed.Select(e => (e.Event.TicketId, e.Version)).Distinct().Count());

        // Per-ticket versions are contiguous, and the feed replays to the state each stream gives.
        var fromFeed = new Dictionary<TicketId, Ticket>();
        var versions = new Dictionary<TicketId, long>();
        foreach (var e in feed)
        {
            var version = versions.GetValueOrDefault(e.Event.TicketId) + 1;
            Assert.Equal(version, e.Version);
            versions[e.Event.TicketId] = version;
            fromFeed[e.Event.TicketId] = (fromFeed.TryGetValue(e.Event.TicketId, out var t) ? t : Ticket.Empty(e.Event.TicketId)).Apply(e.Event);
        }

        var all = owned.SelectMany(x => x).Concat(shared).ToArray();
        Assert.Equal(all.Length, fromFeed.Count);
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in all)
        {
            var fromStream = await service.GetAsync(id);
            Assert.Equal(fromStream, fromFeed[id]);
            Assert.True(numbers.Add(fromStream.FeedbackNumber), $"Feedback number {fromStream.FeedbackNumber} was given twice.");
        }

        Assert.All(owned.SelectMany(x => x), id => Assert.Equal(TicketState.Closed, fromFeed[id].State));
        Assert.All(shared, id => Assert.Equal(1 + RepliesPerHotTicket, fromFeed[id].Version));

        var seconds = stopwatch.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{storeName}: {Writers} writers x {CommandsPerWriter:N0} commands = {Writers * CommandsPerWriter:N0} commands, {timedEvents:N0} events " +
            $"({owned.Sum(m => m.Count):N0} own tickets through the whole lifecycle, {SharedTickets} shared hot tickets), {conflicts:N0} conflicts retried, " +
            $"in {seconds:F1} s = {Writers * CommandsPerWriter / seconds:N0} commands/s, {timedEvents / seconds:N0} events/s " +
            $"(CPU used by this process meanwhile: {cpu.TotalSeconds:F1} s on {Environment.ProcessorCount} cores); " +
            $"feed of {feed.Count:N0} events checked, {all.Length:N0} tickets replayed."));
    }

    private static RegisterTicket Register(TicketId id, string actor, Instant now) => new()
    {
        TicketId = id, CommandId = Guid.NewGuid(), Actor = actor,
        Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = now, Description = "d", Owner = actor },
    };

    private static TicketCommand Lifecycle(int step, TicketId id, string actor, Instant now) => step switch
    {
        0 => Register(id, actor, now),
        1 => new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Category = TicketCategory.Suggestion, Assessment = new PriorityAssessment() },
        2 => new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Assignee = actor },
        3 => new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor },
        4 => new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Summary = "first reply" },
        5 => new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Reason = "photo" },
        6 => new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor },
        7 => new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Solution = "fixed" },
        8 => new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Method = RevisitMethod.Phone, Resolved = true, Score = 5 },
        _ => new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor },
    };
}
