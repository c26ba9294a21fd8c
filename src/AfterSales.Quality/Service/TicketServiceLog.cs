using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Logging;

namespace AfterSales.Quality.Service;

/// <summary>Source-generated log messages of the ticket service. They carry ids and numbers, never personal data.</summary>
internal static partial class TicketServiceLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Ticket {TicketId} {Command} applied: {EventCount} event(s), now {State} at version {Version}")]
    public static partial void CommandApplied(ILogger logger, TicketId ticketId, string command, int eventCount, TicketState state, long version);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Ticket {TicketId} {Command} {CommandId} was already applied; nothing appended")]
    public static partial void CommandAlreadyApplied(ILogger logger, TicketId ticketId, string command, Guid commandId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Ticket {TicketId} {Command} refused: {Reason}")]
    public static partial void CommandRefused(ILogger logger, TicketId ticketId, string command, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Ticket {TicketId} {Command} lost a race: another writer appended first (expected version {ExpectedVersion})")]
    public static partial void CommandConflict(ILogger logger, TicketId ticketId, string command, long expectedVersion);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Ticket {TicketId} SLA {Kind} cycle {Cycle} runs across dates calendar '{Calendar}' has no holiday data for; computed with its weekly hours alone")]
    public static partial void SlaOutsideCalendarCoverage(ILogger logger, TicketId ticketId, AfterSales.Quality.Sla.SlaTargetKind kind, int cycle, string calendar);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Ticket {TicketId} registered as {FeedbackNumber} on channel {Channel}")]
    public static partial void TicketRegistered(ILogger logger, TicketId ticketId, string feedbackNumber, string channel);
}
