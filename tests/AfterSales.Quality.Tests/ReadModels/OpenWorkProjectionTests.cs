using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.ReadModels;

public sealed class OpenWorkProjectionTests
{
    [Fact]
    public async Task Open_work_is_listed_most_urgent_first_and_filtered_by_team_assignee_state_and_priority()
    {
        var host = new TicketTestHost();
        var untriaged = await host.Register();
        host.Advance(Duration.FromMinutes(5));
        var p2 = await host.Register();
        await host.Triage(p2, TicketCategory.ServiceExperience, new PriorityAssessment(), department: "installation");
        host.Advance(Duration.FromMinutes(5));
        var p1 = await host.Register();
        await host.Triage(p1, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        await host.Assign(p1, "tech-zhao");
        var closed = await host.Resolved();
        await host.Revisit(closed, resolved: true, score: 5);
        await host.Close(closed);

        var model = new OpenWorkProjection();
        Assert.Equal(host.Store.Count, await model.CatchUpAsync(host.Store));
        Assert.Equal(3, model.Count);
        var all = model.Query();
        Assert.Equal([untriaged, p1, p2], all.Select(i => i.TicketId));
        Assert.Equal((TicketState.Assigned, Priority.P1, "technical-support", "tech-zhao"), (all[1].State, all[1].Priority, all[1].Department, all[1].Assignee));
        Assert.Null(all[0].Priority);
        Assert.Equal([p2], model.Query(new OpenWorkQuery { Department = "Installation" }).Select(i => i.TicketId));
        Assert.Equal([p1], model.Query(new OpenWorkQuery { Assignee = "tech-zhao" }).Select(i => i.TicketId));
        Assert.Equal([untriaged, p2], model.Query(new OpenWorkQuery { UnassignedOnly = true }).Select(i => i.TicketId));
        Assert.Equal([p1], model.Query(new OpenWorkQuery { Priorities = new HashSet<Priority> { Priority.P0, Priority.P1 } }).Select(i => i.TicketId));
        Assert.Equal([untriaged], model.Query(new OpenWorkQuery { States = new HashSet<TicketState> { TicketState.Registered } }).Select(i => i.TicketId));
        Assert.Equal([untriaged], model.Query(new OpenWorkQuery { Limit = 1 }).Select(i => i.TicketId));
        Assert.Equal([untriaged], model.Query(new OpenWorkQuery { ReceivedBefore = all[0].ReceivedAt + Duration.FromMinutes(1) }).Select(i => i.TicketId));
        Assert.Equal(1, model.CountByDepartmentAndState()["installation"][TicketState.Triaged]);
        Assert.Equal(1, model.CountByDepartmentAndState()["(untriaged)"][TicketState.Registered]);
        Assert.Equal("query", Assert.Throws<ArgumentException>(() => model.Query(new OpenWorkQuery { Limit = 0 })).ParamName);
    }

    [Fact]
    public async Task Replayed_positions_are_ignored_and_settled_tickets_leave()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var model = new OpenWorkProjection();
        var feed = new List<AfterSales.Quality.Storage.RecordedEvent>();
        await foreach (var e in host.Store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        foreach (var e in feed.Concat(feed))
        {
            model.Apply(e);
        }

        Assert.Equal(1, model.Count);
        await host.Run(new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Reason = "withdrawn" });
        await model.CatchUpAsync(host.Store);
        Assert.Equal(0, model.Count);
        Assert.Empty(model.Query());
        Assert.Throws<ArgumentNullException>(() => model.Apply(null!));
    }
}
