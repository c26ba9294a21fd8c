using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace CrmWebApi;

/// <summary>
/// Builds what the API shows of a ticket: one read of its history, shown through <see cref="PersonalDataGuard"/> (in full
/// to a viewer the access policy allows, masked otherwise — name, contact, description, solution and survey comment alike —
/// every decision recorded in the audit), the SLA clocks evaluated now.
/// </summary>
public sealed class TicketViews(TicketService tickets, PersonalDataGuard guard, SlaPolicySet policies, IClock clock)
{
    /// <summary>The ticket's view for a viewer, or null when it was never registered (then nothing is recorded).</summary>
    /// <param name="id">The ticket.</param>
    /// <param name="viewer">Who reads (<see cref="RequestViewer.From"/>).</param>
    /// <param name="purpose">Why, as recorded in the audit (no personal data).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The view, or null.</returns>
    public async Task<TicketView?> FindAsync(TicketId id, Viewer viewer, string purpose, CancellationToken cancellationToken)
    {
        var history = await tickets.GetHistoryAsync(id, cancellationToken);
        if (history.Count == 0)
        {
            return null;
        }

        var view = await guard.ViewHistoryAsync(history, viewer, purpose, cancellationToken);
        var sla = SlaClock.Evaluate(history.Select(e => e.Event).ToArray(), policies, clock.GetCurrentInstant()); // instants and states only
        return ToView(view, sla);
    }

    /// <summary>The ticket's audit trail, or null when it was never registered.</summary>
    /// <param name="id">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, oldest first, or null.</returns>
    public async Task<IReadOnlyList<HistoryEntry>?> HistoryAsync(TicketId id, CancellationToken cancellationToken)
    {
        // No payload: event names, instants, actors and command ids carry no personal data, so no guard is needed.
        var history = await tickets.GetHistoryAsync(id, cancellationToken);
        return history.Count == 0
            ? null
            : history.Select(e => new HistoryEntry(e.Version, e.Position, e.Event.GetType().Name, e.Event.OccurredAt, e.Event.Actor, e.Event.CommandId)).ToArray();
    }

    private static TicketView ToView(PersonalDataView view, TicketSla sla)
    {
        // Masked by the guard when the policy denies (DOMAIN §1); the address is not shown at all.
        var ticket = view.Ticket;
        var intake = ticket.Intake!;
        return new TicketView(
            ticket.Id.Value,
            ticket.FeedbackNumber,
            ticket.State,
            ticket.Version,
            view.Decision,
            new CustomerView(intake.CustomerName, intake.Contact, intake.CustomerKind, intake.CustomerSegment),
            intake.ProductModel,
            intake.ProductLine,
            intake.Channel.Name,
            intake.ReceivedAt,
            intake.Owner,
            intake.Description,
            ticket.Category?.Name,
            ticket.Priority,
            ticket.PriorityRule,
            ticket.Route is { } r ? new RouteView(r.Department, r.Queue, r.FirstResponsiblePerson) : null,
            ticket.Assignee,
            ticket.FirstResponseAt,
            ticket.Solution,
            ticket.ResolvedAt,
            ticket.ResolutionCycle,
            ticket.ReopenCount,
            ticket.LastRevisitNumber,
            ticket.LastRevisitOutcome,
            ticket.LastRevisitScore,
            ticket.LastSurvey,
            ticket.ClosedAt,
            sla.Targets.Select(SlaView.From).ToArray());
    }
}
