using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Tests.Tickets;

public sealed class TicketLifecycleTableTests
{
    [Fact]
    public void The_only_way_to_closed_is_through_revisited()
    {
        // The one exception is imported history its source closed without a revisit (CloseTicket.ClosedBySource).
        Assert.All(TicketLifecycle.Transitions.Where(t => t.To == TicketState.Closed && t.From != TicketState.Closed && t.Trigger != TicketTrigger.CloseBySource), t => Assert.Equal(TicketState.Revisited, t.From));
        Assert.Equal([(TicketState.Resolved, TicketState.Closed)], TicketLifecycle.Transitions.Where(t => t.Trigger == TicketTrigger.CloseBySource).Select(t => (t.From, t.To)));
        Assert.All(TicketLifecycle.Transitions.Where(t => t.To == TicketState.Revisited && t.From != TicketState.Revisited), t => Assert.Equal(TicketState.Resolved, t.From));
        Assert.All(TicketLifecycle.Transitions.Where(t => t.To == TicketState.Resolved && t.From != TicketState.Resolved), t => Assert.Equal(TicketTrigger.Resolve, t.Trigger));
    }

    [Fact]
    public void Nothing_leads_out_of_a_terminal_state_but_a_dissatisfied_survey_back_to_triage()
    {
        foreach (var state in new[] { TicketState.Closed, TicketState.Cancelled, TicketState.Duplicate })
        {
            Assert.True(TicketLifecycle.IsTerminal(state));
            Assert.All(TicketLifecycle.Transitions.Where(t => t.From == state && t.Trigger != TicketTrigger.SurveyDissatisfied), t => Assert.Equal(state, t.To));
        }

        Assert.Equal([TicketTrigger.ErasePersonalData], TicketLifecycle.PermittedTriggers(TicketState.Cancelled));
        Assert.Equal([TicketTrigger.RecordSurvey, TicketTrigger.RecordInspection, TicketTrigger.RecordSurveySent, TicketTrigger.ErasePersonalData, TicketTrigger.SurveyDissatisfied], TicketLifecycle.PermittedTriggers(TicketState.Closed));

        // The re-processing goes to triage, like an unsatisfied revisit, from the states after the revisit only.
        Assert.Equal(
            [(TicketState.Revisited, TicketState.Reopened), (TicketState.Closed, TicketState.Reopened)],
            TicketLifecycle.Transitions.Where(t => t.Trigger == TicketTrigger.SurveyDissatisfied).Select(t => (t.From, t.To)));
        Assert.Equal([TicketTrigger.Triage, TicketTrigger.RecordResponse, TicketTrigger.Cancel, TicketTrigger.MarkDuplicate, TicketTrigger.ErasePersonalData, TicketTrigger.ExplainDelay], TicketLifecycle.PermittedTriggers(TicketState.Reopened));
    }

    [Fact]
    public void Every_non_terminal_state_is_reachable_and_can_reach_a_terminal_state()
    {
        var reachable = new HashSet<TicketState> { TicketState.None };
        var frontier = new Queue<TicketState>([TicketState.None]);
        while (frontier.TryDequeue(out var state))
        {
            foreach (var t in TicketLifecycle.Transitions.Where(t => t.From == state && reachable.Add(t.To)))
            {
                frontier.Enqueue(t.To);
            }
        }

        Assert.Equal(Enum.GetValues<TicketState>().ToHashSet(), reachable);
        foreach (var state in reachable.Where(s => !TicketLifecycle.IsTerminal(s)))
        {
            Assert.Contains(TicketLifecycle.Transitions, t => t.From == state && t.To != state);
        }
    }

    [Fact]
    public void Fire_follows_the_table_and_refuses_the_rest()
    {
        Assert.True(TicketLifecycle.TryFire(TicketState.PendingCustomer, TicketTrigger.ResumeWork, out var next));
        Assert.Equal(TicketState.InProgress, next);
        Assert.False(TicketLifecycle.TryFire(TicketState.Registered, TicketTrigger.Resolve, out var same));
        Assert.Equal(TicketState.Registered, same);
        Assert.False(TicketLifecycle.CanFire((TicketState)99, TicketTrigger.Close));
        Assert.False(TicketLifecycle.CanFire(TicketState.Revisited, (TicketTrigger)99));
    }

    [Fact]
    public void The_lifecycle_exports_as_a_mermaid_diagram()
    {
        var mermaid = TicketLifecycle.ToMermaid();
        Assert.StartsWith("stateDiagram-v2\n", mermaid);
        Assert.Contains("    Resolved --> Reopened : RevisitUnsatisfied\n", mermaid);
        Assert.Contains("    Revisited --> Closed : Close\n", mermaid);
        Assert.Contains("    InProgress --> PendingCustomer : AwaitCustomer\n", mermaid);
        Assert.Contains("    Closed --> [*]\n", mermaid);
        Assert.Contains("    Revisited --> Reopened : SurveyDissatisfied\n", mermaid);
        Assert.Contains("    Closed --> Reopened : SurveyDissatisfied\n", mermaid);
        // The guides close only a revisited ticket; the one edge from resolved is imported history its source closed.
        Assert.Equal(["    Resolved --> Closed : CloseBySource"], mermaid.Split('\n').Where(l => l.Contains("Resolved --> Closed", StringComparison.Ordinal)));
    }
}
