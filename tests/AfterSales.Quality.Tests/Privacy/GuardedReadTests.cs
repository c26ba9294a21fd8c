using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Privacy;

/// <summary>The guard's whole-ticket view and bulk read: free text shown only where the policy allows, every decision recorded first.</summary>
public sealed class GuardedReadTests
{
    private const string Phone = "13700009999";
    private static readonly HashSet<string> None = [];

    [Fact]
    public async Task A_denied_viewer_sees_no_free_text_anywhere_in_the_history_and_the_decision_is_recorded()
    {
        var host = new TicketTestHost();
        var id = await WrittenAsync(host);
        var history = await host.Service.GetHistoryAsync(id);
        var guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy("after-sales-lead"), host.Store, host.Clock);

        var denied = await guard.ViewHistoryAsync(history, new Viewer("agent-zhou", None), "ticket screen");
        Assert.Equal(PersonalDataAccessDecision.Denied, denied.Decision);
        Assert.Equal(history.Count, denied.Events.Count);
        Assert.Equal(history.Select(e => (e.Position, e.Version, e.Event.GetType())), denied.Events.Select(e => (e.Position, e.Version, e.Event.GetType())));
        Assert.All(denied.Events, e => Assert.DoesNotContain(Phone, new TicketEventSerializer().Serialize(e.Event).Json, StringComparison.Ordinal));
        Assert.All(denied.Events, e => Assert.DoesNotContain("13812345678", new TicketEventSerializer().Serialize(e.Event).Json, StringComparison.Ordinal));
        Assert.Equal((PersonalDataGuard.Withheld, PersonalDataGuard.Withheld, "Zhang*", "138****5678"),
            (denied.Ticket.Solution, denied.Ticket.Intake!.Description, denied.Ticket.Intake.CustomerName, denied.Ticket.Intake.Contact));
        Assert.Equal(PersonalDataGuard.Withheld, denied.Ticket.LastSurvey!.Suggestion);
        Assert.Equal(5, denied.Ticket.LastSurvey.Satisfaction);
        Assert.Equal(TicketState.Closed, denied.Ticket.State);

        var allowed = await guard.ViewHistoryAsync(history, new Viewer("tech-zhao", None), "repair");
        Assert.Equal(PersonalDataAccessDecision.Allowed, allowed.Decision);
        Assert.Same(history, allowed.Events);
        Assert.Contains(Phone, allowed.Ticket.Solution, StringComparison.Ordinal);

        var records = await host.Store.ListAccessesAsync(id);
        Assert.Equal([(denied.AccessId, "agent-zhou", PersonalDataAccessDecision.Denied), (allowed.AccessId, "tech-zhao", PersonalDataAccessDecision.Allowed)],
            records.Select(r => (r.AccessId, r.Actor, r.Decision)));
        Assert.All(records, r => Assert.Equal(PersonalDataAccessKind.View, r.Kind));
    }

    [Fact]
    public async Task An_erased_ticket_shows_no_free_text_even_to_an_allowed_viewer_of_a_store_that_kept_it_in_clear()
    {
        var host = new TicketTestHost();
        var id = await WrittenAsync(host);
        await host.Run(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "PIPL-47 request 1" });
        var guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy(), host.Store, host.Clock);

        var view = await guard.ViewHistoryAsync(await host.Service.GetHistoryAsync(id), new Viewer("tech-zhao", None), "repair");
        Assert.Equal(PersonalDataAccessDecision.Allowed, view.Decision);
        Assert.All(view.Events, e => Assert.DoesNotContain(Phone, new TicketEventSerializer().Serialize(e.Event).Json, StringComparison.Ordinal));
        Assert.Equal((PersonalDataErased.Placeholder, PersonalDataErased.Placeholder), (view.Ticket.Solution, view.Ticket.Intake!.Description));
    }

    [Fact]
    public async Task A_history_view_refuses_what_is_not_one_registered_tickets_history()
    {
        var host = new TicketTestHost();
        var a = await WrittenAsync(host);
        var b = await host.Register();
        var guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy(), host.Store, host.Clock);
        var viewer = new Viewer("agent-li", None);
        var history = await host.Service.GetHistoryAsync(a);

        Assert.Equal("history", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.ViewHistoryAsync([], viewer, "x"))).ParamName);
        Assert.Equal("history", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.ViewHistoryAsync([.. history, .. await host.Service.GetHistoryAsync(b)], viewer, "x"))).ParamName);
        Assert.Equal("history", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.ViewHistoryAsync(history.Skip(1).ToArray(), viewer, "x"))).ParamName);
        Assert.Equal("viewer", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.ViewHistoryAsync(history, new Viewer(" ", None), "x"))).ParamName);
        Assert.Equal("purpose", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.ViewHistoryAsync(history, viewer, new string('p', 201)))).ParamName);
        Assert.Empty(await host.Store.ListAccessesAsync()); // nothing refused was recorded
    }

    [Fact]
    public async Task A_bulk_read_decides_per_ticket_and_records_one_record_per_ticket_before_any_text_is_read()
    {
        var host = new TicketTestHost();
        var mine = await WrittenAsync(host);
        var theirs = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { Owner = "agent-wu", Description = $"call {Phone}" });
        var guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy(), host.Store, host.Clock);
        Ticket[] tickets = [await host.Service.GetAsync(mine), await host.Service.GetAsync(theirs)];

        var grant = await guard.AuthorizeReadAsync(tickets, new Viewer("agent-li", None), "keyword statistics");
        Assert.Equal([mine], grant.Allowed);
        Assert.Equal([theirs], grant.Denied);
        Assert.True(grant.IsAllowed(mine));
        Assert.False(grant.IsAllowed(TicketId.New())); // not decided: denied
        var registration = (await host.Service.GetHistoryAsync(theirs))[0].Event;
        Assert.Equal(PersonalDataGuard.Withheld, ((TicketRegistered)grant.Reveal(registration)).Intake.Description);
        var owners = await guard.AuthorizeReadAsync([tickets[1]], new Viewer("agent-wu", None), "keyword statistics");
        Assert.Same(registration, owners.Reveal(registration));
        Assert.Equal((PersonalDataGuard.Withheld, "text", (string?)null), (grant.Reveal(theirs, "text"), grant.Reveal(mine, "text"), grant.Reveal(theirs, null)));

        var records = (await host.Store.ListAccessesAsync()).Where(r => r.AccessId == grant.AccessId).ToArray();
        Assert.Equal([(mine, PersonalDataAccessDecision.Allowed), (theirs, PersonalDataAccessDecision.Denied)], records.Select(r => (r.TicketId!.Value, r.Decision)));
        Assert.All(records, r => Assert.Equal((PersonalDataAccessKind.Statistics, "agent-li", "keyword statistics"), (r.Kind, r.Actor, r.Purpose)));

        // Nothing decided, nothing recorded; bad arguments named; an export is not a bulk read.
        var before = (await host.Store.ListAccessesAsync()).Count;
        Assert.Empty((await guard.AuthorizeReadAsync([], new Viewer("agent-li", None), "keyword statistics")).Allowed);
        Assert.Equal(before, (await host.Store.ListAccessesAsync()).Count);
        Assert.Equal("tickets", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.AuthorizeReadAsync([tickets[0], tickets[0]], new Viewer("agent-li", None), "x"))).ParamName);
        Assert.Equal("tickets", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.AuthorizeReadAsync([Ticket.Empty(TicketId.New())], new Viewer("agent-li", None), "x"))).ParamName);
        Assert.Equal("kind", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.AuthorizeReadAsync(tickets, new Viewer("agent-li", None), "x", PersonalDataAccessKind.Export))).ParamName);
        Assert.Equal("reader", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.AuthorizeReadAsync(tickets, new Viewer("", None), "x"))).ParamName);
        Assert.Equal(before, (await host.Store.ListAccessesAsync()).Count);
    }

    [Fact]
    public async Task A_large_bulk_read_is_recorded_in_bounded_calls_covering_every_ticket()
    {
        var audit = new CallCountingAudit();
        var guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy("analyst"), audit, new NodaTime.Testing.FakeClock(TicketTestHost.At(2024, 3, 1, 9, 0)));
        var at = TicketTestHost.At(2024, 3, 1, 9, 0);
        var tickets = Enumerable.Range(0, 10_001).Select(_ =>
        {
            var id = TicketId.New();
            return Ticket.Replay(id, [new TicketRegistered { TicketId = id, OccurredAt = at, Actor = "agent-li", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240301001", Intake = TicketTestHost.Intake(at) }]);
        }).ToArray();

        var grant = await guard.AuthorizeReadAsync(tickets, new Viewer("report-job", new HashSet<string> { "analyst" }), "keyword statistics");
        Assert.Equal(10_001, grant.Allowed.Count);
        Assert.Equal([10_000, 1], audit.Calls);
        Assert.Equal(10_001, (await audit.ListAccessesAsync()).Select(r => r.TicketId).Distinct().Count());
    }

    [Fact]
    public void Masking_an_intake_withholds_its_free_text_and_keeps_erased_values()
    {
        var intake = TicketTestHost.Intake(TicketTestHost.At(2024, 3, 1, 9, 0)) with { CustomerNumber = "C10086", CustomerExpectation = $"call {Phone}" };
        var masked = PersonalDataGuard.Mask(intake);
        Assert.Equal(("Zhang*", "138****5678", "C****"), (masked.CustomerName, masked.Contact, masked.CustomerNumber));
        Assert.Equal((PersonalDataGuard.Withheld, PersonalDataGuard.Withheld, PersonalDataGuard.Withheld), (masked.Description, masked.CustomerExpectation, masked.AlreadyTried));
        Assert.Equal((intake.ProductModel, intake.Owner), (masked.ProductModel, masked.Owner));
        Assert.Equal(PersonalDataErased.Anonymize(intake), PersonalDataGuard.Mask(PersonalDataErased.Anonymize(intake)));
    }

    [Property]
    public bool Masking_never_shows_a_free_text_and_withholding_is_idempotent(string description, string solution)
    {
        var id = TicketId.New();
        var at = TicketTestHost.At(2024, 3, 1, 9, 0);
        var text = string.IsNullOrEmpty(description) ? "x" : description;
        var registered = new TicketRegistered { TicketId = id, OccurredAt = at, Actor = "a", CommandId = Guid.NewGuid(), FeedbackNumber = "F1", Intake = TicketTestHost.Intake(at) with { Description = text } };
        var resolved = new TicketResolved { TicketId = id, OccurredAt = at, Actor = "a", CommandId = Guid.NewGuid(), Solution = string.IsNullOrEmpty(solution) ? "y" : solution, Cycle = 1 };
        var maskedRegistration = (TicketRegistered)PersonalDataGuard.Mask(registered);
        var maskedResolution = (TicketResolved)PersonalDataGuard.Mask(resolved);
        // Free text is withheld whatever it holds, and withholding again changes nothing (masked names are shortened again).
        return maskedResolution == (TicketResolved)PersonalDataGuard.Mask(maskedResolution)
            && ((TicketRegistered)PersonalDataGuard.Mask(maskedRegistration)).Intake.Description == maskedRegistration.Intake.Description
            && maskedRegistration.Intake.Description is PersonalDataGuard.Withheld or PersonalDataErased.Placeholder
            && maskedResolution.Solution is PersonalDataGuard.Withheld or PersonalDataErased.Placeholder;
    }

    /// <summary>Registers, works, resolves, revisits, closes and surveys a ticket, with a phone number in every free text.</summary>
    private static async Task<TicketId> WrittenAsync(TicketTestHost host)
    {
        var id = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { Description = $"battery drains, call {Phone}" });
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment());
        await host.Assign(id);
        await host.Start(id);
        await host.Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Summary = $"left a message on {Phone}" });
        await host.Resolve(id, $"battery replaced; confirmed on {Phone}");
        await host.Run(new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-sun", Method = RevisitMethod.Phone, Resolved = true, Score = 5, Suggestions = $"call {Phone} before visits" });
        await host.Close(id);
        await host.Run(new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new SurveyAnswers { Satisfaction = 5, Suggestion = $"text {Phone}" } });
        return id;
    }

    /// <summary>An in-memory audit that counts the calls it gets.</summary>
    private sealed class CallCountingAudit : IPersonalDataAccessAudit
    {
        private readonly InMemoryPersonalDataAccessAudit inner = new();

        public List<int> Calls { get; } = [];

        public ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default)
        {
            Calls.Add(records.Count);
            return inner.RecordAccessAsync(records, cancellationToken);
        }

        public ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default) =>
            inner.ListAccessesAsync(ticketId, cancellationToken);
    }
}
