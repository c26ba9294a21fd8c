using System.Text;

namespace AfterSales.Quality.Tickets;

/// <summary>What fires a lifecycle transition. Each ticket command fires one trigger.</summary>
public enum TicketTrigger
{
    /// <summary>Register a new ticket.</summary>
    Register,

    /// <summary>Classify, prioritise and route.</summary>
    Triage,

    /// <summary>Override the priority with a reason.</summary>
    OverridePriority,

    /// <summary>Assign an agent.</summary>
    Assign,

    /// <summary>Transfer to another agent or department.</summary>
    Reassign,

    /// <summary>Start working.</summary>
    StartWork,

    /// <summary>Reply to the customer.</summary>
    RecordResponse,

    /// <summary>Wait on the customer.</summary>
    AwaitCustomer,

    /// <summary>The customer answered; resume work.</summary>
    ResumeWork,

    /// <summary>Escalate to a higher support level.</summary>
    Escalate,

    /// <summary>Resolve with a solution.</summary>
    Resolve,

    /// <summary>A revisit attempt did not reach the customer.</summary>
    RecordRevisitAttempt,

    /// <summary>The revisit found the customer satisfied.</summary>
    RevisitSatisfied,

    /// <summary>The revisit found the customer not satisfied: reopen to triage.</summary>
    RevisitUnsatisfied,

    /// <summary>The customer stayed unreachable after the allowed attempts.</summary>
    RevisitUnreachable,

    /// <summary>Close and archive.</summary>
    Close,

    /// <summary>Cancel with a reason.</summary>
    Cancel,

    /// <summary>Mark as a duplicate of another ticket.</summary>
    MarkDuplicate,

    /// <summary>Attach the customer's survey answers (after the service ended; keeps the state).</summary>
    RecordSurvey,

    /// <summary>Attach a quality inspector's verdict on a closed ticket (keeps the state).</summary>
    RecordInspection,

    /// <summary>Record that the satisfaction survey was sent (keeps the state).</summary>
    RecordSurveySent,

    /// <summary>Erase (anonymise) the customer's personal data on request; allowed in every state and keeps it.</summary>
    ErasePersonalData,

    /// <summary>
    /// Close a resolved ticket that its source system closed without a revisit (imported history only,
    /// with the source's reason recorded): the revisit never came due in this system.
    /// </summary>
    CloseBySource,

    /// <summary>Record or update table 2's problem analysis (root cause, impact scope, planned completion; keeps the state).</summary>
    RecordAnalysis,

    /// <summary>Record why the ticket is late and whether the customer was told (keeps the state).</summary>
    ExplainDelay,

    /// <summary>
    /// A dissatisfied survey on a revisited or closed ticket, within <see cref="NegativeFeedbackRules.SurveyReopenWindow"/>
    /// of its resolution: reopen to triage, as an unsatisfied revisit does.
    /// </summary>
    SurveyDissatisfied,
}

/// <summary>
/// The ticket lifecycle as one immutable transition table, built once and shared by every ticket
/// (no per-entity machine). Readable as data (<see cref="Transitions"/>) and exportable as a
/// Mermaid state diagram (<see cref="ToMermaid"/>). Thread-safe.
/// </summary>
public static class TicketLifecycle
{
    private static readonly int TriggerCount = Enum.GetValues<TicketTrigger>().Length;
    private static readonly int StateCount = Enum.GetValues<TicketState>().Length;
    private static readonly sbyte[] Table;

    private static readonly (TicketState From, TicketTrigger Trigger, TicketState To)[] Rows = BuildRows();

    static TicketLifecycle()
    {
        Table = new sbyte[StateCount * TriggerCount];
        Array.Fill(Table, (sbyte)-1);
        foreach (var (from, trigger, to) in Rows)
        {
            Table[((int)from * TriggerCount) + (int)trigger] = (sbyte)to;
        }
    }

    /// <summary>Every permitted transition (from, trigger, to), in table order.</summary>
    public static IReadOnlyList<(TicketState From, TicketTrigger Trigger, TicketState To)> Transitions => Rows;

    /// <summary>Whether <paramref name="trigger"/> is permitted in <paramref name="state"/>.</summary>
    /// <param name="state">The current state.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns><see langword="true"/> when the table has the transition.</returns>
    public static bool CanFire(TicketState state, TicketTrigger trigger) => TryFire(state, trigger, out _);

    /// <summary>The state a trigger leads to, if permitted.</summary>
    /// <param name="state">The current state.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="target">The state after the transition, when permitted.</param>
    /// <returns><see langword="true"/> when the transition is permitted.</returns>
    public static bool TryFire(TicketState state, TicketTrigger trigger, out TicketState target)
    {
        var s = (uint)state;
        var t = (uint)trigger;
        if (s < (uint)StateCount && t < (uint)TriggerCount)
        {
            var to = Table[(s * (uint)TriggerCount) + t];
            if (to >= 0)
            {
                target = (TicketState)to;
                return true;
            }
        }

        target = state;
        return false;
    }

    /// <summary>The triggers permitted in a state, in declaration order.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The permitted triggers.</returns>
    public static IReadOnlyList<TicketTrigger> PermittedTriggers(TicketState state) =>
        Enum.GetValues<TicketTrigger>().Where(t => CanFire(state, t)).ToArray();

    /// <summary>
    /// Whether a state ends the ticket's work: closed, cancelled, duplicate. No work trigger leads out of it; a
    /// closed ticket still takes survey answers, inspections and erasure (which keep the state), and a dissatisfied
    /// survey within <see cref="NegativeFeedbackRules.SurveyReopenWindow"/> reopens it (<see cref="TicketTrigger.SurveyDissatisfied"/>).
    /// </summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for closed, cancelled and duplicate.</returns>
    public static bool IsTerminal(TicketState state) => state is TicketState.Closed or TicketState.Cancelled or TicketState.Duplicate;

    /// <summary>The lifecycle as a Mermaid <c>stateDiagram-v2</c>, for documentation.</summary>
    /// <returns>The diagram source.</returns>
    public static string ToMermaid()
    {
        var text = new StringBuilder("stateDiagram-v2\n");
        text.Append("    [*] --> Registered\n");
        foreach (var group in Rows.Where(r => r.From != TicketState.None && r.From != r.To).GroupBy(r => (r.From, r.To)))
        {
            text.Append($"    {group.Key.From} --> {group.Key.To} : {string.Join(", ", group.Select(r => r.Trigger))}\n");
        }

        foreach (var state in Enum.GetValues<TicketState>().Where(IsTerminal))
        {
            text.Append($"    {state} --> [*]\n");
        }

        return text.ToString();
    }

    private static (TicketState, TicketTrigger, TicketState)[] BuildRows()
    {
        var rows = new List<(TicketState, TicketTrigger, TicketState)>
        {
            (TicketState.None, TicketTrigger.Register, TicketState.Registered),
            (TicketState.Registered, TicketTrigger.Triage, TicketState.Triaged),
            (TicketState.Reopened, TicketTrigger.Triage, TicketState.Triaged),
            (TicketState.Triaged, TicketTrigger.Assign, TicketState.Assigned),
            (TicketState.Assigned, TicketTrigger.StartWork, TicketState.InProgress),
            (TicketState.Assigned, TicketTrigger.Reassign, TicketState.Assigned),
            (TicketState.InProgress, TicketTrigger.Reassign, TicketState.Assigned),
            (TicketState.InProgress, TicketTrigger.AwaitCustomer, TicketState.PendingCustomer),
            (TicketState.PendingCustomer, TicketTrigger.ResumeWork, TicketState.InProgress),
            (TicketState.InProgress, TicketTrigger.Resolve, TicketState.Resolved),
            (TicketState.Resolved, TicketTrigger.RecordRevisitAttempt, TicketState.Resolved),
            (TicketState.Resolved, TicketTrigger.RevisitSatisfied, TicketState.Revisited),
            (TicketState.Resolved, TicketTrigger.RevisitUnreachable, TicketState.Revisited),
            (TicketState.Resolved, TicketTrigger.RevisitUnsatisfied, TicketState.Reopened),

            // A dissatisfied survey after the revisit re-processes the ticket; it goes through triage, work,
            // resolution and a new revisit again, so no path skips the revisit.
            (TicketState.Revisited, TicketTrigger.SurveyDissatisfied, TicketState.Reopened),
            (TicketState.Closed, TicketTrigger.SurveyDissatisfied, TicketState.Reopened),
            (TicketState.Revisited, TicketTrigger.Close, TicketState.Closed),
            (TicketState.Resolved, TicketTrigger.CloseBySource, TicketState.Closed),
            (TicketState.Closed, TicketTrigger.RecordInspection, TicketState.Closed),
        };

        // Survey answers arrive once the service has ended, also after the ticket is closed.
        foreach (var state in new[] { TicketState.Resolved, TicketState.Revisited, TicketState.Closed })
        {
            rows.Add((state, TicketTrigger.RecordSurvey, state));
            rows.Add((state, TicketTrigger.RecordSurveySent, state));
        }

        // Work-phase triggers that keep the state.
        foreach (var state in new[] { TicketState.Triaged, TicketState.Assigned, TicketState.InProgress, TicketState.PendingCustomer })
        {
            rows.Add((state, TicketTrigger.OverridePriority, state));
            rows.Add((state, TicketTrigger.Escalate, state));
        }

        foreach (var state in new[] { TicketState.Registered, TicketState.Reopened, TicketState.Triaged, TicketState.Assigned, TicketState.InProgress, TicketState.PendingCustomer })
        {
            rows.Add((state, TicketTrigger.RecordResponse, state));
            rows.Add((state, TicketTrigger.Cancel, TicketState.Cancelled));
            rows.Add((state, TicketTrigger.MarkDuplicate, TicketState.Duplicate));
        }

        // Table 2's analysis follows the routing; a delay can be explained while the ticket is still owed something.
        foreach (var state in new[] { TicketState.Triaged, TicketState.Assigned, TicketState.InProgress, TicketState.PendingCustomer, TicketState.Resolved })
        {
            rows.Add((state, TicketTrigger.RecordAnalysis, state));
        }

        foreach (var state in new[] { TicketState.Registered, TicketState.Reopened, TicketState.Triaged, TicketState.Assigned, TicketState.InProgress, TicketState.PendingCustomer, TicketState.Resolved, TicketState.Revisited })
        {
            rows.Add((state, TicketTrigger.ExplainDelay, state));
        }

        // Erasure on the customer's request is always possible, also on closed and cancelled tickets.
        foreach (var state in Enum.GetValues<TicketState>().Where(s => s != TicketState.None))
        {
            rows.Add((state, TicketTrigger.ErasePersonalData, state));
        }

        return [.. rows];
    }
}
