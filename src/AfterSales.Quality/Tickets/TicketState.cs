namespace AfterSales.Quality.Tickets;

/// <summary>
/// The lifecycle states of a ticket: registered → triaged → assigned → in progress ⇄ pending
/// customer → resolved → revisited → closed; an unsatisfied revisit reopens the ticket to triage;
/// cancelled and duplicate are terminal. See <see cref="TicketLifecycle"/> for the full table.
/// </summary>
public enum TicketState
{
    /// <summary>No event yet: the stream does not exist.</summary>
    None = 0,

    /// <summary>Registered, waiting for triage (classification, priority, routing).</summary>
    Registered,

    /// <summary>Classified, prioritised and routed to a department; waiting for an agent.</summary>
    Triaged,

    /// <summary>An agent owns the ticket.</summary>
    Assigned,

    /// <summary>The agent is working on it.</summary>
    InProgress,

    /// <summary>Waiting on the customer: the resolution clock is paused.</summary>
    PendingCustomer,

    /// <summary>A solution is recorded; the revisit is due.</summary>
    Resolved,

    /// <summary>The revisit outcome is recorded (satisfied, or unreachable after the allowed attempts); the ticket may be closed.</summary>
    Revisited,

    /// <summary>The customer was not satisfied at the revisit: back to triage, priority judged again.</summary>
    Reopened,

    /// <summary>Closed and archived (terminal).</summary>
    Closed,

    /// <summary>Cancelled with a reason (terminal).</summary>
    Cancelled,

    /// <summary>A duplicate of another ticket (terminal).</summary>
    Duplicate,
}
