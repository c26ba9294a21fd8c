using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Tests.Tickets;

/// <summary>Only an import's own service may record a closure without a revisit; a host's service keeps the guides' rule.</summary>
public sealed class ClosureBySourceTests
{
    [Fact]
    public async Task A_hosts_service_refuses_to_close_a_resolved_ticket_without_its_revisit()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var count = host.Store.Count;
        var refused = await Assert.ThrowsAsync<TicketRuleViolationException>(() =>
            host.Run(new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", ClosedBySource = "closed in the old CRM" }));
        Assert.Equal("revisit-before-closure", refused.Rule);
        Assert.Equal(count, host.Store.Count);
        Assert.Equal(TicketState.Resolved, (await host.Service.GetAsync(id)).State);

        // An import's service (AllowClosureBySource) records it, with the source's reason.
        var shared = new TicketServiceOptions();
        var options = shared.Copy();
        options.AllowClosureBySource = true;
        var importer = new TicketTestHost(options: options);
        var imported = await importer.Resolved();
        await importer.Run(new CloseTicket { TicketId = imported, CommandId = Guid.NewGuid(), Actor = "import", ClosedBySource = "closed in the old CRM" });
        Assert.Equal(TicketState.Closed, (await importer.Service.GetAsync(imported)).State);
        Assert.False(shared.AllowClosureBySource); // the copy changed nothing shared
    }
}
