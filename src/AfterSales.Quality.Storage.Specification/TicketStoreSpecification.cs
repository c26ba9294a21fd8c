using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Storage.Specification;

/// <summary>
/// The storage contract as reusable xunit tests. Derive one class, return a fresh, empty store from
/// <see cref="CreateStoreAsync"/>, and every test here runs against it. Every test is
/// <c>public virtual</c>: override one with <c>[Fact(Skip = "why")]</c> to opt out with a reason.
/// Checkpoints are tested when the store implements <see cref="ICheckpointStore"/>; a store that
/// also keeps improvement plans derives <see cref="ImprovementPlanStoreSpecification{TStore}"/> too.
/// </summary>
/// <typeparam name="TStore">The store type: a ticket log and a sequence store.</typeparam>
public abstract class TicketStoreSpecification<TStore>
    where TStore : class, ITicketStore, ISequenceStore
{
    private static readonly Instant Start = Instant.FromUtc(2024, 3, 1, 2, 30);

    /// <summary>Creates a fresh, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<TStore> CreateStoreAsync();

    /// <summary>How many writers the concurrency tests run. Default 8.</summary>
    protected virtual int Writers => 8;

    /// <summary>One event of every registered type, for one ticket, in a lifecycle-plausible order.</summary>
    /// <param name="id">The ticket.</param>
    /// <returns>The events.</returns>
    public static IReadOnlyList<TicketEvent> OneOfEach(TicketId id)
    {
        var at = Start;
        var n = 0;
        T E<T>(T e) where T : TicketEvent => e with { TicketId = id, OccurredAt = at + Duration.FromMinutes(n++), Actor = "agent-" + n, CommandId = Guid.NewGuid() };
        var events = new List<TicketEvent>
        {
            E(new TicketRegistered
            {
                TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, FeedbackNumber = "F20240301001",
                Intake = new TicketIntake
                {
                    CustomerName = "Zhang San", CustomerKind = CustomerKind.Company, Contact = "13812345678", Address = "1 Century Avenue", CustomerNumber = "C10086",
                    ProblemOccurredAt = at - Duration.FromHours(20) - Duration.FromNanoseconds(123_456_789),
                    CustomerSegment = "vip", ProductModel = "Phone Pro", ProductLine = "phones", PurchaseOrServiceDate = new LocalDate(2024, 2, 15),
                    Channel = ServiceChannel.OnlineChat, ReceivedAt = at, Description = "Charging reaches 20 % in an hour — 充电慢", CustomerExpectation = "a fix",
                    AlreadyTried = "restart", ServiceTicketNumber = "CS20240301001", Owner = "agent-li",
                },
            }),
            E(new TicketTriaged
            {
                TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Category = TicketCategory.ProductFault,
                Assessment = new PriorityAssessment { ImpactScope = ImpactScope.ManyCustomers, Urgency = Urgency.UseBlocked, Severity = Severity.CoreFunction, IsKeyAccount = true },
                Priority = Priority.P0, PriorityRule = "core-function-many-customers", Route = new Route { Department = "technical-support", Queue = "batteries", FirstResponsiblePerson = "lead" },
                RoutingRule = "urgent-product-fault", IsRetriage = false,
                RootCauseAnalysis = "电池批次异常,导致充电效率低", ImpactScopeDescription = "涉及该批次手机约500台", PlannedCompletion = new LocalDate(2024, 3, 10),
            }),
            E(new AnalysisRecorded { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, RootCauseAnalysis = "cells of batch B-0215", PlannedCompletion = new LocalDate(2024, 3, 9) }),
            E(new PriorityOverridden { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, PreviousPriority = Priority.P0, Priority = Priority.P1, Reason = "r" }),
            E(new TicketAssigned { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Assignee = "tech" }),
            E(new TicketReassigned { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, PreviousAssignee = "tech", Assignee = "tech2", PreviousDepartment = "a", Department = "b", Reason = "r" }),
            E(new WorkStarted { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty }),
            E(new ResponseRecorded { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Summary = "hi", IsFirstResponse = true }),
            E(new PendingCustomerStarted { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Reason = "photo" }),
            E(new PendingCustomerEnded { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty }),
            E(new TicketEscalated { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Level = 2, Reason = "r", EscalatedTo = "lab" }),
            E(new DelayExplained { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Target = "Resolution", Reason = "parts on back order", CustomerInformed = true }),
            E(new TicketResolved { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Solution = "fixed", Cycle = 1, ResourcesUsed = "replacement battery; one engineer visit" }),
            E(new SurveySent { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Channel = "sms", Cycle = 1 }),
            E(new RevisitAttemptFailed { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Method = RevisitMethod.Phone, Attempt = 1, Note = "no answer" }),
            E(new RevisitRecorded { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, RevisitNumber = "HV20240301001", Method = RevisitMethod.Online, Outcome = RevisitOutcome.Unsatisfied, Resolved = false, Score = 2, Suggestions = "s" }),
            E(new TicketReopened { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Reason = "r", ReopenCount = 1 }),
            E(new NegativeFeedbackRaised { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Owner = "supervisor", Reason = "unsatisfied-revisit" }),
            E(new SurveyAnswered { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Cycle = 1, Answers = new SurveyAnswers { Satisfaction = 2, ResponseSpeed = 3, Accuracy = 4, Attitude = 5, ResolutionEffect = 1, Recommend = RecommendAnswer.Unsure, EffortScore = 6, IsReturningCustomer = true, Channel = "app", Suggestion = "faster" } }),
            E(new QualityInspected { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Accurate = false, Notes = "n" }),
            E(new TicketClosed { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty }),
            E(new PersonalDataErased { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Reason = "DSR-1" }),
            E(new TicketCancelled { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, Reason = "r" }),
            E(new TicketMarkedDuplicate { TicketId = id, OccurredAt = at, Actor = "", CommandId = Guid.Empty, DuplicateOf = "F1", Reason = "r" }),
        };
        return events;
    }

    /// <summary>
    /// The read models built from the store's feed — open work, the SLA due index and the KPI facts —
    /// see exactly the tickets written through the ticket service, and follow later changes.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Read_models_built_from_the_feed_see_every_ticket()
    {
        var store = await CreateStoreAsync();
        var clock = new SteppingClock(Start);
        var service = new TicketService(store, store, clock);
        async Task<TicketId> Register(string product)
        {
            var id = TicketId.New();
            await service.ExecuteAsync(new RegisterTicket
            {
                TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
                Intake = new TicketIntake { CustomerName = "Li Si", Contact = "13800000000", ProductModel = product, Channel = ServiceChannel.Phone, ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "agent" },
            });
            return id;
        }

        Task Run(TicketCommand command) => service.ExecuteAsync(command);
        var untriaged = await Register("Phone Pro");
        var assigned = await Register("Washer W7");
        await Run(new TriageTicket { TicketId = assigned, CommandId = Guid.NewGuid(), Actor = "triage", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });
        await Run(new AssignTicket { TicketId = assigned, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "tech-zhao" });
        var cancelled = await Register("Router R3");
        await Run(new CancelTicket { TicketId = cancelled, CommandId = Guid.NewGuid(), Actor = "agent", Reason = "withdrawn" });

        var openWork = new AfterSales.Quality.ReadModels.OpenWorkProjection();
        await openWork.CatchUpAsync(store);
        Assert.Equal([untriaged, assigned], openWork.Query().Select(i => i.TicketId));
        Assert.Equal([assigned], openWork.Query(new AfterSales.Quality.ReadModels.OpenWorkQuery { Assignee = "TECH-ZHAO" }).Select(i => i.TicketId));
        var due = new AfterSales.Quality.ReadModels.SlaDueIndex(AfterSales.Quality.Sla.SlaPolicySet.Default);
        await due.CatchUpAsync(store);
        Assert.Contains(due.DueBefore(Start + Duration.FromDays(30)), e => e.TicketId == assigned);
        var facts = new AfterSales.Quality.ReadModels.TicketFactProjection(store, AfterSales.Quality.Sla.SlaPolicySet.Default);
        await facts.RefreshAsync(clock.GetCurrentInstant());
        Assert.Equal(3, facts.Facts.Count);

        // Later changes reach every model on the next catch-up.
        await Run(new StartWork { TicketId = assigned, CommandId = Guid.NewGuid(), Actor = "tech-zhao" });
        await Run(new ResolveTicket { TicketId = assigned, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Solution = "fixed" });
        await Run(new RecordRevisit { TicketId = assigned, CommandId = Guid.NewGuid(), Actor = "revisit", Method = RevisitMethod.Phone, Resolved = true, Score = 5 });
        await Run(new CloseTicket { TicketId = assigned, CommandId = Guid.NewGuid(), Actor = "revisit" });
        await openWork.CatchUpAsync(store);
        Assert.Equal([untriaged], openWork.Query().Select(i => i.TicketId));
        await due.CatchUpAsync(store);
        Assert.DoesNotContain(due.DueBefore(Start + Duration.FromDays(365)), e => e.TicketId == assigned);
        await facts.RefreshAsync(clock.GetCurrentInstant());
        Assert.True(facts.TryGetRow(assigned, out var row));
        Assert.True(facts.Facts.Facts[row].Has(AfterSales.Quality.Kpi.FactFlags.Resolved));
        Assert.Equal(openWork.Position, facts.Position);
    }

    /// <summary>A clock that moves one minute forward each time it is read.</summary>
    private sealed class SteppingClock(Instant start) : IClock
    {
        private Instant now = start;

        public Instant GetCurrentInstant() => now = now + Duration.FromMinutes(1);
    }

    /// <summary>Every registered event type survives a round trip unchanged.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Every_event_type_round_trips()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        var events = OneOfEach(id);
        Assert.Equal(TicketEventTypes.Registered.Select(r => r.Type).OrderBy(t => t.Name), events.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name));
        await store.AppendAsync(id, 0, events);
        var stream = await store.ReadStreamAsync(id);
        Assert.Equal(events.Count, stream.Version);
        Assert.Equal(events, stream.Events.Select(e => e.Event));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), stream.Events.Select(e => e.Version));
    }

    /// <summary>
    /// Events written without the fields added later (customer number, problem occurrence, table 2's
    /// analysis, resources used) read back with those fields null, and a ticket built from them folds.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Events_without_the_later_fields_read_back_with_them_null()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        var events = OneOfEach(id).Select(e => e switch
        {
            TicketRegistered r => r with { Intake = r.Intake with { CustomerNumber = null, ProblemOccurredAt = null } },
            TicketTriaged t => t with { RootCauseAnalysis = null, ImpactScopeDescription = null, PlannedCompletion = null },
            TicketResolved r => r with { ResourcesUsed = null },
            _ => e,
        }).Where(e => e is not (AnalysisRecorded or DelayExplained)).Take(11).ToArray();
        await store.AppendAsync(id, 0, events);
        var read = (await store.ReadStreamAsync(id)).Events.Select(e => e.Event).ToArray();
        Assert.Equal(events, read);
        var ticket = Ticket.Replay(id, read);
        Assert.Equal((null, null, null, null, null), (ticket.Intake!.CustomerNumber, ticket.RootCauseAnalysis, ticket.ImpactScopeDescription, ticket.ResourcesUsed, ticket.ArchiveName(DateTimeZone.Utc)));
    }

    /// <summary>An unknown ticket reads as an empty stream at version 0.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task An_unknown_ticket_is_an_empty_stream()
    {
        var store = await CreateStoreAsync();
        var stream = await store.ReadStreamAsync(TicketId.New());
        Assert.False(stream.Exists);
        Assert.Empty(stream.Events);
    }

    /// <summary>A stale expected version is refused and nothing of the batch is written.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_stale_append_is_refused_whole()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        var events = OneOfEach(id);
        await store.AppendAsync(id, 0, events.Take(2).ToArray());
        var error = await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await store.AppendAsync(id, 1, events.Skip(2).Take(3).ToArray()));
        Assert.Equal((id, 1L), (error.TicketId, error.ExpectedVersion));
        Assert.Equal(2, (await store.ReadStreamAsync(id)).Version);
        await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await store.AppendAsync(id, 0, events.Take(1).ToArray()));
    }

    /// <summary>Bad arguments are refused with the argument named.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Bad_appends_are_refused()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        Assert.Equal("events", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync(id, 0, []))).ParamName);
        Assert.Equal("events", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync(id, 0, OneOfEach(TicketId.New()).Take(1).ToArray()))).ParamName);
        Assert.Equal("expectedVersion", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync(id, -1, OneOfEach(id).Take(1).ToArray()))).ParamName);
    }

    /// <summary>Many writers racing on one ticket: exactly one wins each version and nothing is lost.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Racing_writers_win_one_version_each_and_lose_nothing()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        await store.AppendAsync(id, 0, OneOfEach(id).Take(1).ToArray());
        var won = new int[Writers];
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < 40; attempt++)
            {
                var version = (await store.ReadStreamAsync(id)).Version;
                var e = new ResponseRecorded { TicketId = id, OccurredAt = Start, Actor = $"writer-{w}", CommandId = Guid.NewGuid(), Summary = $"{w}/{attempt}" };
                try
                {
                    await store.AppendAsync(id, version, [e]);
                    won[w]++;
                }
                catch (TicketConcurrencyException)
                {
                }
            }
        })));
        var stream = await store.ReadStreamAsync(id);
        Assert.Equal(1 + won.Sum(), stream.Version);
        Assert.Equal(Enumerable.Range(1, (int)stream.Version).Select(v => (long)v), stream.Events.Select(e => e.Version));
        Assert.Equal(stream.Events.Count, stream.Events.Select(e => e.Event.CommandId).Distinct().Count());
    }

    /// <summary>A retried command (same id) appends nothing twice.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_retried_command_appends_nothing_twice()
    {
        var store = await CreateStoreAsync();
        var service = new TicketService(store, store, new FixedClock(Start));
        var id = TicketId.New();
        var register = new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Li", Contact = "13900001111", ProductModel = "Washer", ReceivedAt = Start, Description = "leaks", Owner = "agent" },
        };
        await service.ExecuteAsync(register);
        Assert.True((await service.ExecuteAsync(register)).AlreadyApplied);
        Assert.Equal(1, (await store.ReadStreamAsync(id)).Version);
    }

    /// <summary>The feed lists every event of every ticket once, in commit order, without gaps, and resumes after a position.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task The_feed_is_complete_ordered_gapless_and_resumable()
    {
        var store = await CreateStoreAsync();
        var tickets = Enumerable.Range(0, 5).Select(_ => TicketId.New()).ToArray();
        var expected = new List<TicketEvent>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var id in tickets)
            {
                var events = OneOfEach(id).Skip(round * 2).Take(2).ToArray();
                await store.AppendAsync(id, round * 2, events);
                expected.AddRange(events);
            }
        }

        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        Assert.Equal(expected, feed.Select(e => e.Event));
        Assert.Equal(Enumerable.Range(0, feed.Count).Select(i => feed[0].Position + i), feed.Select(e => e.Position));
        var resumed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(feed[9].Position))
        {
            resumed.Add(e);
        }

        Assert.Equal(feed.Skip(10).Select(e => e.Position), resumed.Select(e => e.Position));
        if (store is ICheckpointStore checkpoints)
        {
            Assert.Equal(0, await checkpoints.GetCheckpointAsync("sla-due-index"));
            await checkpoints.SetCheckpointAsync("sla-due-index", feed[9].Position);
            await checkpoints.SetCheckpointAsync("kpi-facts", 3);
            Assert.Equal(feed[9].Position, await checkpoints.GetCheckpointAsync("sla-due-index"));
            Assert.Equal(3, await checkpoints.GetCheckpointAsync("kpi-facts"));
        }
    }

    /// <summary>
    /// When the store keeps read-model snapshots (<see cref="ISnapshotStore"/>): a name never written reads null; a snapshot
    /// reads back byte for byte, is replaced whole, and names are independent; appends racing a large snapshot write all
    /// succeed; and a fact projection restored from its snapshot in the store equals a rebuild.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Snapshots_read_back_whole_are_replaced_whole_and_do_not_stop_appends()
    {
        var store = await CreateStoreAsync();
        if (store is not ISnapshotStore snapshots)
        {
            return;
        }

        Assert.Null(await snapshots.ReadSnapshotAsync("facts"));
        var large = new byte[(3 << 20) + 12_345];
        new Random(42).NextBytes(large);
        var ids = Enumerable.Range(0, Writers).Select(_ => TicketId.New()).ToArray();
        var appends = ids.Select(id => Task.Run(async () => await store.AppendAsync(id, 0, OneOfEach(id).Take(3).ToArray()))).ToArray();
        await snapshots.WriteSnapshotAsync("facts", large);
        await Task.WhenAll(appends);
        Assert.All(ids, id => Assert.Equal(3, store.ReadStreamAsync(id).AsTask().GetAwaiter().GetResult().Version));
        Assert.Equal(large, await snapshots.ReadSnapshotAsync("facts"));

        await snapshots.WriteSnapshotAsync("facts", new byte[] { 1, 2, 3 });
        await snapshots.WriteSnapshotAsync("index", ReadOnlyMemory<byte>.Empty);
        Assert.Equal(new byte[] { 1, 2, 3 }, await snapshots.ReadSnapshotAsync("facts"));
        Assert.Equal(Array.Empty<byte>(), await snapshots.ReadSnapshotAsync("index"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await snapshots.ReadSnapshotAsync(" "));

        var now = Start + Duration.FromDays(30);
        var projection = new AfterSales.Quality.ReadModels.TicketFactProjection(store, AfterSales.Quality.Sla.SlaPolicySet.Default);
        await projection.RefreshAsync(now);
        await AfterSales.Quality.ReadModels.Snapshots.ReadModelSnapshots.CaptureSnapshot(projection).WriteAsync(snapshots);
        var restored = new AfterSales.Quality.ReadModels.TicketFactProjection(store, AfterSales.Quality.Sla.SlaPolicySet.Default);
        var result = await AfterSales.Quality.ReadModels.Snapshots.ReadModelSnapshots.RestoreSnapshotAsync(restored, snapshots);
        Assert.True(result.IsRestored, result.Detail);
        await restored.RefreshAsync(now);
        Assert.Equal(projection.Facts.Facts.ToArray(), restored.Facts.Facts.ToArray());
    }

    /// <summary>Sequences never repeat, even under concurrency.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Sequences_never_repeat_under_concurrency()
    {
        var store = await CreateStoreAsync();
        var values = await Task.WhenAll(Enumerable.Range(0, Writers * 25).Select(_ => Task.Run(async () => await store.NextAsync("F20240301"))));
        Assert.Equal(Enumerable.Range(1, values.Length).Select(v => (long)v), values.Order());
        Assert.Equal(1, await store.NextAsync("F20240302"));
    }

    /// <summary>
    /// A store with sequence blocks (<see cref="AfterSales.Quality.Numbering.ISequenceBlockStore"/>): blocks and single
    /// values drawn concurrently never overlap; a tail given back while it is the last drawn is drawn again next, and a
    /// tail given back after someone drew past it stays unused (a gap, never a repeat); bad arguments are refused by name.
    /// A store without blocks passes (they are optional).
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Sequence_blocks_never_overlap_and_give_back_only_an_untouched_tail()
    {
        var store = await CreateStoreAsync();
        if (store is not AfterSales.Quality.Numbering.ISequenceBlockStore blocks)
        {
            return;
        }

        var drawn = await Task.WhenAll(Enumerable.Range(0, Writers * 10).Select(i => Task.Run(async () =>
        {
            if (i % 3 == 0)
            {
                return [await blocks.NextAsync("F20240401")];
            }

            var size = 1 + (i % 17);
            var first = await blocks.ReserveAsync("F20240401", size);
            return Enumerable.Range(0, size).Select(k => first + k).ToArray();
        })));
        var values = drawn.SelectMany(v => v).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, values.Length).Select(v => (long)v), values); // no overlap, no gap

        var block = await blocks.ReserveAsync("F20240402", 10);
        Assert.Equal(1, block);
        Assert.True(await blocks.ReleaseAsync("F20240402", 4, 7)); // 4..10 unused and still the last drawn
        Assert.Equal(4, await blocks.NextAsync("F20240402"));

        var tail = await blocks.ReserveAsync("F20240402", 5); // 5..9
        Assert.Equal(10, await blocks.NextAsync("F20240402")); // someone draws past the block
        Assert.False(await blocks.ReleaseAsync("F20240402", tail + 2, 3));
        Assert.Equal(11, await blocks.NextAsync("F20240402")); // the tail stays unused: a gap, never a repeat

        Assert.False(await blocks.ReleaseAsync("F20240499", 1, 1)); // a key never drawn has nothing to give back
        Assert.Equal(1, await blocks.NextAsync("F20240499"));
        Assert.Equal("count", (await Assert.ThrowsAnyAsync<ArgumentException>(async () => await blocks.ReserveAsync("F20240403", 0))).ParamName);
        Assert.Equal("count", (await Assert.ThrowsAnyAsync<ArgumentException>(async () => await blocks.ReserveAsync("F20240403", 100_001))).ParamName);
        Assert.Equal("first", (await Assert.ThrowsAnyAsync<ArgumentException>(async () => await blocks.ReleaseAsync("F20240403", 0, 1))).ParamName);
        Assert.Equal("key", (await Assert.ThrowsAnyAsync<ArgumentException>(async () => await blocks.ReserveAsync(" ", 1))).ParamName);
        Assert.Equal(1, await blocks.NextAsync("F20240403")); // nothing refused drew a value
    }

    /// <summary>A long stream (thousands of events) reads back whole and in order.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Large_streams_read_back_whole()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        for (var batch = 0; batch < 20; batch++)
        {
            var events = Enumerable.Range(0, 100).Select(i => (TicketEvent)new ResponseRecorded { TicketId = id, OccurredAt = Start, Actor = "a", CommandId = Guid.NewGuid(), Summary = $"{batch}-{i}" }).ToArray();
            await store.AppendAsync(id, batch * 100, events);
        }

        var stream = await store.ReadStreamAsync(id);
        Assert.Equal(2000, stream.Version);
        Assert.Equal("19-99", ((ResponseRecorded)stream.Events[^1].Event).Summary);
    }

    /// <summary>A cancelled append throws and writes nothing.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_cancelled_append_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.AppendAsync(id, 0, OneOfEach(id).Take(3).ToArray(), cancelled.Token));
        Assert.Equal(0, (await store.ReadStreamAsync(id)).Version);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.ReadStreamAsync(id, cancelled.Token));
    }

    /// <summary>Erasure rewrites the stored registration (when the store can) and leaves everything else as it was.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Erasure_rewrites_the_stored_registration_only()
    {
        var store = await CreateStoreAsync();
        var service = new TicketService(store, store, new FixedClock(Start));
        var id = TicketId.New();
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Li Si", Contact = "13900001111", Address = "8 Nanjing Road", CustomerNumber = "C20001", ProductModel = "Washer", ReceivedAt = Start, Description = "leaks", Owner = "agent" },
        });
        var before = (await store.ReadStreamAsync(id)).Events;
        await service.ExecuteAsync(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-1" });
        var after = (await store.ReadStreamAsync(id)).Events;
        Assert.Equal(2, after.Count);
        Assert.Equal(before[0].Position, after[0].Position);
        var stored = Assert.IsType<TicketRegistered>(after[0].Event);
        if (store is IPersonalDataEraser)
        {
            Assert.Equal(("[erased]", "[erased]", "[erased]", "[erased]"), (stored.Intake.CustomerName, stored.Intake.Contact, stored.Intake.Address, stored.Intake.CustomerNumber));
            Assert.Equal("Washer", stored.Intake.ProductModel);
        }

        Assert.Equal("[erased]", (await service.GetAsync(id)).Intake!.Contact);
    }

    /// <summary>
    /// A store that offers a customer-number lookup (<see cref="ICustomerNumberLookup"/>) answers exactly what reading every
    /// registration of the feed answers — numbers equal but for case or width are different numbers, an erased
    /// ticket never matches — in registration order. Skipped for a store without the capability, or one that keeps no index.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_customer_number_lookup_answers_what_the_feed_scan_answers()
    {
        var store = await CreateStoreAsync();
        if (store is not ICustomerNumberLookup lookup)
        {
            return;
        }

        var service = new TicketService(store, store, new FixedClock(Start));
        string?[] numbers = ["C30001", "c30001", "C３0001", "Ｃ３０００１", "C30002", "客户-30001", null, "C30001", "C30002", "C30001"];
        var tickets = new List<TicketId>();
        for (var i = 0; i < numbers.Length; i++)
        {
            var id = TicketId.New();
            tickets.Add(id);
            await service.ExecuteAsync(new RegisterTicket
            {
                TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
                Intake = new TicketIntake { CustomerName = "Li Si " + i, Contact = "1390000" + i, CustomerNumber = numbers[i], ProductModel = "Washer", ReceivedAt = Start, Description = "leaks", Owner = "agent" },
            });
        }

        await service.ExecuteAsync(new EraseCustomerData { TicketId = tickets[7], CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-2" });
        foreach (var number in numbers.OfType<string>().Distinct().Append("C39999"))
        {
            var found = await lookup.FindByCustomerNumberAsync(number);
            if (found is null)
            {
                return; // the store keeps no index in this configuration
            }

            var scanned = new List<TicketId>();
            await foreach (var recorded in store.ReadFeedAsync(0))
            {
                if (recorded.Event is TicketRegistered r && string.Equals(r.Intake.CustomerNumber, number, StringComparison.Ordinal) && !scanned.Contains(r.TicketId))
                {
                    scanned.Add(r.TicketId);
                }
            }

            Assert.Equal(scanned, found);
            Assert.Equal(Enumerable.Range(0, numbers.Length).Where(i => numbers[i] == number && i != 7).Select(i => tickets[i]), found);
        }

        await Assert.ThrowsAsync<ArgumentException>(async () => await lookup.FindByCustomerNumberAsync(" "));
    }

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
