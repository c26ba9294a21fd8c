using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace CrmWebApi;

/// <summary>Builds what the API shows of a ticket: one read of its history, the state replayed, the SLA clocks evaluated now, personal data masked.</summary>
public sealed class TicketViews(TicketService tickets, SlaPolicySet policies, IClock clock)
{
    /// <summary>The ticket's view, or null when it was never registered.</summary>
    /// <param name="id">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The view, or null.</returns>
    public async Task<TicketView?> FindAsync(TicketId id, CancellationToken cancellationToken)
    {
        var history = await tickets.GetHistoryAsync(id, cancellationToken);
        if (history.Count == 0)
        {
            return null;
        }

        var events = history.Select(e => e.Event).ToArray();
        var ticket = Ticket.Replay(id, events);
        var sla = SlaClock.Evaluate(events, policies, clock.GetCurrentInstant());
        return ToView(ticket, sla);
    }

    /// <summary>The ticket's audit trail, or null when it was never registered.</summary>
    /// <param name="id">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, oldest first, or null.</returns>
    public async Task<IReadOnlyList<HistoryEntry>?> HistoryAsync(TicketId id, CancellationToken cancellationToken)
    {
        var history = await tickets.GetHistoryAsync(id, cancellationToken);
        return history.Count == 0
            ? null
            : history.Select(e => new HistoryEntry(e.Version, e.Position, e.Event.GetType().Name, e.Event.OccurredAt, e.Event.Actor, e.Event.CommandId)).ToArray();
    }

    private static TicketView ToView(Ticket ticket, TicketSla sla)
    {
        // Name, contact and address never leave the API unmasked (DOMAIN §1); the address is not shown at all.
        var intake = PersonalDataGuard.Mask(ticket.Intake!);
        return new TicketView(
            ticket.Id.Value,
            ticket.FeedbackNumber,
            ticket.State,
            ticket.Version,
            new CustomerView(intake.CustomerName, intake.Contact, intake.CustomerKind, intake.CustomerSegment),
            intake.ProductModel,
            intake.ProductLine,
            intake.Channel.Name,
            intake.ReceivedAt,
            intake.Owner,
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
