namespace AfterSales.Quality.Tickets;

/// <summary>
/// Thrown when a command is not permitted in the ticket's current state (e.g. closing a ticket
/// whose revisit is not done). Nothing was recorded.
/// </summary>
public sealed class IllegalTicketCommandException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="state">The ticket's state.</param>
    /// <param name="command">The command's name, e.g. <c>CloseTicket</c>.</param>
    /// <param name="trigger">The lifecycle trigger the command would fire.</param>
    public IllegalTicketCommandException(TicketId ticketId, TicketState state, string command, TicketTrigger trigger)
        : base(BuildMessage(ticketId, state, command, trigger))
    {
        TicketId = ticketId;
        State = state;
        Command = command;
        Trigger = trigger;
    }

    /// <summary>The ticket.</summary>
    public TicketId TicketId { get; }

    /// <summary>The state the ticket is in.</summary>
    public TicketState State { get; }

    /// <summary>The command's type name.</summary>
    public string Command { get; }

    /// <summary>The trigger the command would fire.</summary>
    public TicketTrigger Trigger { get; }

    private static string BuildMessage(TicketId ticketId, TicketState state, string command, TicketTrigger trigger)
    {
        var permitted = TicketLifecycle.PermittedTriggers(state);
        var hint = (state, trigger) switch
        {
            (TicketState.Resolved, TicketTrigger.Close) => " A ticket cannot be closed before its revisit outcome is recorded.",
            (_, TicketTrigger.Close) => " Only a revisited ticket can be closed.",
            (_, TicketTrigger.Resolve) => " Only a ticket in progress can be resolved.",
            _ => "",
        };
        return $"{command} is not allowed for ticket {ticketId} in state {state}.{hint} " +
               (TicketLifecycle.IsTerminal(state) ? $"{state} is terminal; " : "") +
               (permitted.Count == 0 ? "nothing is permitted." : $"Permitted in {state}: {string.Join(", ", permitted)}.");
    }
}

/// <summary>
/// Thrown when a command is permitted in the state but breaks a rule of the guides (e.g. closing the
/// revisit as unreachable before the allowed attempts, a priority override below the category's
/// floor). Nothing was recorded.
/// </summary>
public sealed class TicketRuleViolationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="state">The ticket's state.</param>
    /// <param name="rule">A stable rule name, e.g. <c>priority-floor</c>.</param>
    /// <param name="message">What is wrong.</param>
    public TicketRuleViolationException(TicketId ticketId, TicketState state, string rule, string message)
        : base($"Ticket {ticketId} ({state}): {message}")
    {
        TicketId = ticketId;
        State = state;
        Rule = rule;
    }

    /// <summary>The ticket.</summary>
    public TicketId TicketId { get; }

    /// <summary>The state the ticket is in.</summary>
    public TicketState State { get; }

    /// <summary>The rule that was broken, e.g. <c>priority-floor</c>.</summary>
    public string Rule { get; }
}

/// <summary>Thrown when a command names a ticket that has not been registered.</summary>
public sealed class TicketNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ticketId">The ticket that was not found.</param>
    public TicketNotFoundException(TicketId ticketId)
        : base($"Ticket {ticketId} has not been registered.")
    {
        TicketId = ticketId;
    }

    /// <summary>The ticket that was not found.</summary>
    public TicketId TicketId { get; }
}
