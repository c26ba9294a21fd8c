using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;
using AfterSales.Quality.ReadModels;

namespace AfterSales.Quality.Tests.ReadModels;

public sealed class TicketFactProjectionTests
{
    private static async Task<TicketFact> Direct(TicketTestHost host, TicketId id, FactDimensions dimensions) =>
        dimensions.ToFact(TicketOutcome.Measure((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray(), SlaPolicySet.Default, host.Clock.GetCurrentInstant()));

    [Fact]
    public async Task Facts_equal_measuring_each_history_and_follow_new_events()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var projection = new TicketFactProjection(host.Store, SlaPolicySet.Default);
        var closed = await host.Resolved();
        await host.Revisit(closed, resolved: true, score: 5);
        await host.Close(closed);
        var open = await host.Register();
        await host.Triage(open, TicketCategory.Complaint, new PriorityAssessment { Severity = Severity.CoreFunction });

        Assert.Equal((int)host.Store.Count, await projection.RefreshAsync(host.Clock.GetCurrentInstant()));
        Assert.Equal(2, projection.Facts.Count);
        Assert.Equal(1, projection.OpenTickets); // the closed ticket's history was dropped
        Assert.True(projection.TryGetRow(closed, out var closedRow));
        Assert.True(projection.TryGetRow(open, out var openRow));
        Assert.False(projection.TryGetRow(TicketId.New(), out _));
        var reference = new FactDimensions();
        Assert.Equal(await Direct(host, closed, reference), projection.Facts.Facts[closedRow]);
        Assert.Equal(await Direct(host, open, reference), projection.Facts.Facts[openRow]);

        // A late survey on the closed ticket: its stream is read back from the store and measured again.
        var before = host.Store.Count;
        await host.Run(new RecordSurvey { TicketId = closed, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new() { Satisfaction = 2, LikelihoodToRecommend = 3 } });
        Assert.Equal((int)(host.Store.Count - before), await projection.RefreshAsync(host.Clock.GetCurrentInstant()));
        Assert.Equal(2, projection.Facts.Count);
        Assert.Equal(2, projection.Facts.Facts[closedRow].CsatCode);
        Assert.Equal(await Direct(host, closed, reference), projection.Facts.Facts[closedRow]);
        Assert.Equal(0, await projection.RefreshAsync(host.Clock.GetCurrentInstant()));
    }

    [Fact]
    public async Task An_open_clock_turns_missed_on_a_later_refresh_without_new_events()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var projection = new TicketFactProjection(host.Store, SlaPolicySet.Default);
        await projection.RefreshAsync(host.Clock.GetCurrentInstant());
        var before = projection.Facts.Facts[0];
        Assert.False(before.Has(FactFlags.FirstResponseSlaDue));

        host.Advance(Duration.FromDays(3));
        Assert.Equal(0, await projection.RefreshAsync(host.Clock.GetCurrentInstant()));
        var after = projection.Facts.Facts[0];
        Assert.True(after.Has(FactFlags.FirstResponseSlaDue));
        Assert.False(after.Has(FactFlags.FirstResponseSlaMet));
        Assert.Equal(await Direct(host, id, new FactDimensions()), after);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_by_name()
    {
        var host = new TicketTestHost();
        Assert.Equal("store", Assert.Throws<ArgumentNullException>(() => new TicketFactProjection(null!, SlaPolicySet.Default)).ParamName);
        Assert.Equal("policies", Assert.Throws<ArgumentNullException>(() => new TicketFactProjection(host.Store, null!)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentException>(() => new TicketFactProjection(host.Store, SlaPolicySet.Default, capacity: -1)).ParamName);
        var projection = new TicketFactProjection(host.Store, SlaPolicySet.Default);
        await projection.RefreshAsync(host.Clock.GetCurrentInstant());
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await projection.RefreshAsync(host.Clock.GetCurrentInstant() - Duration.FromSeconds(1)));
        Assert.Equal("now", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => projection.Facts.Set(0, default));
    }

    [Fact]
    public async Task A_long_catch_up_settles_closed_tickets_in_slices_and_ends_with_the_same_facts()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var ids = new List<TicketId>();
        for (var i = 0; i < 12; i++)
        {
            var id = await host.Resolved();
            ids.Add(id);
            if (i % 3 != 2)
            {
                await host.Revisit(id, resolved: true, score: 4);
                await host.Close(id);
                if (i % 2 == 0)
                {
                    // A survey after the close: late for a ticket settled in an earlier slice.
                    await host.Run(new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new() { Satisfaction = 4 } });
                }
            }

            host.Advance(Duration.FromHours(1));
        }

        var sliced = new TicketFactProjection(host.Store, SlaPolicySet.Default) { SettleEvery = 5 };
        var whole = new TicketFactProjection(host.Store, SlaPolicySet.Default);
        Assert.Equal(await whole.RefreshAsync(host.Clock.GetCurrentInstant()), await sliced.RefreshAsync(host.Clock.GetCurrentInstant()));
        Assert.Equal(4, sliced.OpenTickets); // the resolved, not yet revisited tickets keep their histories
        var reference = new FactDimensions();
        foreach (var id in ids)
        {
            Assert.True(sliced.TryGetRow(id, out var row));
            var expected = await Direct(host, id, reference);
            Assert.Equal(expected, sliced.Facts.Facts[row]);
        }
    }
}
