using AfterSales.Quality.Privacy;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AfterSales.Quality.Service;

/// <summary>
/// Shows a ticket's intake to a viewer: in full when the access policy allows, masked otherwise
/// (and the denied read is logged with the viewer and the ticket, never the data). Thread-safe.
/// </summary>
public sealed partial class PersonalDataGuard
{
    private readonly IPersonalDataAccessPolicy policy;
    private readonly ILogger logger;

    /// <summary>Creates the guard.</summary>
    /// <param name="policy">The access policy.</param>
    /// <param name="logger">Where denied reads are logged; nothing is logged when null.</param>
    public PersonalDataGuard(IPersonalDataAccessPolicy policy, ILogger<PersonalDataGuard>? logger = null)
    {
        this.policy = Preconditions.CheckNotNull(policy);
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The intake as <paramref name="viewer"/> may see it.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="viewer">Who asks.</param>
    /// <returns>The intake, with name, contact, address and customer number masked unless the viewer may read them.</returns>
    /// <exception cref="ArgumentException">The ticket has not been registered.</exception>
    public TicketIntake View(Ticket ticket, Viewer viewer)
    {
        Preconditions.CheckNotNull(ticket);
        Preconditions.CheckNotNull(viewer);
        var intake = ticket.Intake ?? throw new ArgumentException($"Ticket {ticket.Id} has not been registered.", nameof(ticket));
        if (policy.MayReadPersonalData(ticket, viewer))
        {
            return intake;
        }

        DeniedRead(logger, viewer.Id, ticket.Id, ticket.FeedbackNumber);
        return Mask(intake);
    }

    /// <summary>The intake with its personal data masked (for reports and exports).</summary>
    /// <param name="intake">The intake.</param>
    /// <returns>The masked intake.</returns>
    public static TicketIntake Mask(TicketIntake intake)
    {
        Preconditions.CheckNotNull(intake);
        return intake with
        {
            CustomerName = PersonalDataMasking.MaskName(intake.CustomerName),
            Contact = PersonalDataMasking.MaskContact(intake.Contact),
            Address = intake.Address is null ? null : PersonalDataMasking.MaskText(intake.Address),
            CustomerNumber = intake.CustomerNumber is null ? null : PersonalDataMasking.MaskText(intake.CustomerNumber),
        };
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "{Viewer} may not read the personal data of ticket {TicketId} ({FeedbackNumber}); it was shown masked")]
    private static partial void DeniedRead(ILogger logger, string viewer, TicketId ticketId, string feedbackNumber);
}
