using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Tests.Privacy;

public sealed class AccessRequestTests
{
    private static readonly Viewer Officer = new("dpo", new HashSet<string> { "data-protection-officer" });

    [Fact]
    public async Task A_malformed_request_names_every_bad_field_and_records_nothing()
    {
        var host = new TicketTestHost();
        var exporter = Exporter(host);
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => exporter.ExportAsync(new CustomerDataAccessRequest { Requester = new Viewer(" ", new HashSet<string>()), Purpose = "" }));
        Assert.Equal(["Requester", "Purpose", "CustomerNumber"], error.Errors.Select(e => e.Field));
        var both = await Assert.ThrowsAsync<QualityValidationException>(() => exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "p", CustomerNumber = "C1", TicketId = TicketId.New() }));
        Assert.Equal(["CustomerNumber"], both.Errors.Select(e => e.Field));
        var placeholder = await Assert.ThrowsAsync<QualityValidationException>(() => exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "p", CustomerNumber = PersonalDataErased.Placeholder }));
        Assert.Equal(["CustomerNumber"], placeholder.Errors.Select(e => e.Field));
        var missing = TicketId.New();
        Assert.Equal(missing, (await Assert.ThrowsAsync<TicketNotFoundException>(() => exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "p", TicketId = missing }))).TicketId);
        Assert.Empty(await host.Store.ListAccessesAsync());
    }

    [Fact]
    public async Task A_customer_number_no_ticket_has_exports_nothing_and_is_audited_without_a_ticket()
    {
        var host = new TicketTestHost();
        await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { CustomerNumber = "C-1" });
        var export = await Exporter(host).ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "request 1", CustomerNumber = "C-2" });
        Assert.Empty(export.Tickets);
        var record = Assert.Single(await host.Store.ListAccessesAsync());
        Assert.Equal((export.AccessId, "dpo", "request 1", PersonalDataAccessKind.Export, PersonalDataAccessDecision.Allowed, (TicketId?)null), (record.AccessId, record.Actor, record.Purpose, record.Kind, record.Decision, record.TicketId));
        Assert.Contains("\"tickets\": []", export.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erased_ticket_is_exported_without_its_free_text_even_from_a_store_that_keeps_it_in_clear()
    {
        // A store of one's own that erases nothing (no IPersonalDataEraser): the solution stays in its event.
        var clock = new NodaTime.Testing.FakeClock(TicketTestHost.At(2024, 3, 1, 10, 30));
        var store = new ClearTextStore(new InMemoryTicketStore());
        var service = new TicketService(store, store, clock);
        var exporter = new CustomerDataExporter(store, new WorkingPeopleAccessPolicy("data-protection-officer"), store, clock);
        var id = TicketId.New();
        await service.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Intake = TicketTestHost.Intake(clock.GetCurrentInstant()) with { CustomerNumber = "C-ZHANG" } });
        await service.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Category = AfterSales.Quality.Prioritization.TicketCategory.ProductFault, Assessment = new AfterSales.Quality.Prioritization.PriorityAssessment() });
        await service.ExecuteAsync(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "tech-zhao" });
        await service.ExecuteAsync(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao" });
        await service.ExecuteAsync(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Solution = "Called Zhang San at 13812345678, battery replaced." });
        var before = (await exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "request 2", CustomerNumber = "C-ZHANG" })).ToJson();
        Assert.Contains("Called Zhang San at 13812345678", before, StringComparison.Ordinal);
        Assert.Contains("Restarted, changed charger", before, StringComparison.Ordinal);

        await service.ExecuteAsync(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-3" });
        Assert.Contains((await store.ReadStreamAsync(id)).Events, e => e.Event is TicketResolved { Solution: "Called Zhang San at 13812345678, battery replaced." });
        var export = await exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "request 3", TicketId = id });
        var data = Assert.Single(export.Tickets);
        Assert.True(data.Erased);
        Assert.Equal(PersonalDataErased.Placeholder, data.Ticket.Intake!.CustomerName);
        var json = export.ToJson();
        foreach (var value in new[] { "Zhang San", "13812345678", "C-ZHANG", "Charging for 1 h", "Restarted, changed charger" })
        {
            Assert.DoesNotContain(value, json, StringComparison.Ordinal);
        }

        Assert.Contains("\"erased\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"personal-data-erased\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_refuses_a_record_with_a_bad_field_and_names_it()
    {
        var store = new InMemoryTicketStore();
        var good = new PersonalDataAccessRecord(Guid.NewGuid(), NodaTime.Instant.FromUnixTimeSeconds(0), "dpo", "p", PersonalDataAccessKind.View, PersonalDataAccessDecision.Allowed, TicketId.New());
        Assert.Contains("records[1].Purpose", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordAccessAsync([good, good with { Purpose = " " }]))).Message);
        Assert.Contains("records[0].TicketId", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordAccessAsync([good with { TicketId = default(TicketId) }]))).Message);
        Assert.Contains("records[0].Kind", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordAccessAsync([good with { Kind = (PersonalDataAccessKind)7 }]))).Message);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordAccessAsync([]));
        Assert.Empty(await store.ListAccessesAsync());
        await store.RecordAccessAsync([good]);
        Assert.Equal([good], await store.ListAccessesAsync(good.TicketId));
        Assert.Empty(await store.ListAccessesAsync(TicketId.New()));
    }

    [Fact]
    public async Task Erasing_a_customer_erases_every_ticket_of_their_number_and_no_other()
    {
        var host = new TicketTestHost();
        var first = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { CustomerNumber = "C-ZHANG" });
        var other = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { CustomerNumber = "C-LI", CustomerName = "Li Si" });
        var second = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { CustomerNumber = "C-ZHANG" });
        var blank = await Assert.ThrowsAsync<QualityValidationException>(() => host.Service.EraseCustomerAsync(" ", "dpo", "DSR-4"));
        Assert.Equal(["customerNumber"], blank.Errors.Select(e => e.Field));

        Assert.Equal([first, second], await host.Service.EraseCustomerAsync("C-ZHANG", "dpo", "DSR-4"));
        foreach (var id in new[] { first, second })
        {
            Assert.Equal(PersonalDataErased.Placeholder, (await host.Service.GetAsync(id)).Intake!.CustomerName);
        }

        Assert.Equal("Li Si", (await host.Service.GetAsync(other)).Intake!.CustomerName);
        Assert.Empty(await host.Service.EraseCustomerAsync("C-ZHANG", "dpo", "DSR-4"));

        // A bad request is refused by name even when no ticket has the number (nothing to erase does not make it valid).
        var noActor = await Assert.ThrowsAsync<QualityValidationException>(() => host.Service.EraseCustomerAsync("C-NOBODY", " ", "DSR-5"));
        Assert.Contains("Actor", noActor.Errors.Select(e => e.Field));
        var noReason = await Assert.ThrowsAsync<QualityValidationException>(() => host.Service.EraseCustomerAsync("C-NOBODY", "dpo", ""));
        Assert.Contains("Reason", noReason.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task The_in_memory_store_erases_the_free_text_of_every_event_of_the_ticket()
    {
        var host = new TicketTestHost();
        var id = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { CustomerNumber = "C-ZHANG" });
        await host.Triage(id, AfterSales.Quality.Prioritization.TicketCategory.ProductFault, new AfterSales.Quality.Prioritization.PriorityAssessment());
        await host.Assign(id);
        await host.Start(id);
        await host.Resolve(id, "Called Zhang San at 13812345678, battery replaced.");
        await host.Run(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-3" });
        Assert.Contains((await host.Store.ReadStreamAsync(id)).Events, e => e.Event is TicketResolved { Solution: PersonalDataErased.Placeholder });
    }

    /// <summary>A store of one's own that keeps everything as written (it erases nothing).</summary>
    private sealed class ClearTextStore(InMemoryTicketStore inner) : ITicketStore, AfterSales.Quality.Numbering.ISequenceStore, IPersonalDataAccessAudit
    {
        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);

        public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default) => inner.NextAsync(key, cancellationToken);

        public ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default) => inner.RecordAccessAsync(records, cancellationToken);

        public ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default) => inner.ListAccessesAsync(ticketId, cancellationToken);
    }

    private static CustomerDataExporter Exporter(TicketTestHost host) =>
        new(host.Store, new WorkingPeopleAccessPolicy("data-protection-officer"), host.Store, host.Clock);
}
