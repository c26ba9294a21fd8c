using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;
using static AfterSales.Quality.Tests.ReadModels.Snapshots.SnapshotTestScripts;

namespace AfterSales.Quality.Tests.ReadModels;

/// <summary>
/// A measured outcome holds, without new events, up to its stable instant (the earliest due instant of a clock running
/// within its target), which is what lets <see cref="TicketFactProjection.RefreshAsync"/> measure again only the tickets
/// whose outcome changed; a projection refreshed at many instants equals one refreshed once at the last.
/// </summary>
public sealed class StableOutcomeProperties
{
    [Property(MaxTest = 80)]
    public void An_outcome_holds_up_to_its_stable_instant_and_changes_after_it(byte[] script, int seed)
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var tickets = new List<TicketId>();
        var random = new Random(seed);
        Run(host, script ?? [], random, tickets);
        var now = host.Clock.GetCurrentInstant();
        foreach (var id in tickets.Distinct())
        {
            var history = host.Store.ReadStreamAsync(id).AsTask().GetAwaiter().GetResult().Events.Select(e => e.Event).ToList();
            var outcome = TicketOutcome.Measure(history, Policies, now, out var stableUntil);
            var horizon = stableUntil ?? now + Duration.FromDays(60);
            Assert.True(horizon >= now, $"{id}: stable until {horizon}, before the instant measured at {now}");

            // Anywhere from now up to the stable instant, inclusive: the same outcome.
            foreach (var at in new[] { now, now + (horizon - now) / 3, now + (horizon - now) * 0.9, horizon })
            {
                Assert.Equal(outcome, TicketOutcome.Measure(history, Policies, at));
            }

            // The bound is not vacuous: it is a clock's due instant, and a month past it that clock is overdue (the outcome
            // may not show it: a clock of a later cycle the outcome does not read; measuring such a ticket again is only spare work).
            if (stableUntil is { } due)
            {
                var before = AfterSales.Quality.Sla.SlaClock.Evaluate(history, Policies, now).Targets;
                Assert.Contains(before, t => t.State == AfterSales.Quality.Sla.SlaClockState.Running && t.Due == due);
                var after = AfterSales.Quality.Sla.SlaClock.Evaluate(history, Policies, due + Duration.FromDays(30)).Targets;
                Assert.True(after.Count(t => t.State == AfterSales.Quality.Sla.SlaClockState.Overdue) > before.Count(t => t.State == AfterSales.Quality.Sla.SlaClockState.Overdue), $"{id}: nothing overdue a month after {due}");
            }
        }
    }

    [Property(MaxTest = 40)]
    public void A_projection_refreshed_at_many_instants_equals_one_refreshed_once_at_the_last(byte[] script, int seed, byte[] steps)
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var tickets = new List<TicketId>();
        var random = new Random(seed);
        var often = new TicketFactProjection(host.Store, Policies, timeZone: TicketTestHost.Shanghai);
        var part = 0;
        foreach (var chunk in (script ?? []).Chunk(7))
        {
            Run(host, chunk, random, tickets);
            often.RefreshAsync(host.Clock.GetCurrentInstant()).AsTask().GetAwaiter().GetResult();
            part++;
        }

        // Then time alone passes, in the steps given (minutes to days), refreshed at each.
        var now = host.Clock.GetCurrentInstant();
        foreach (var step in steps ?? [])
        {
            now += Duration.FromMinutes(1 + step * step);
            often.RefreshAsync(now).AsTask().GetAwaiter().GetResult();
        }

        var once = new TicketFactProjection(host.Store, Policies, timeZone: TicketTestHost.Shanghai);
        once.RefreshAsync(now).AsTask().GetAwaiter().GetResult();
        AssertSameFacts(once, often, tickets);
    }
}
