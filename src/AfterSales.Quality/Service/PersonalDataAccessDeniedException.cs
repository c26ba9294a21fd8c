using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Service;

/// <summary>
/// The access policy does not let the requester read the personal data of some of the tickets an access request
/// covers, so nothing was exported. The refusal is recorded in the audit (<see cref="Storage.IPersonalDataAccessAudit"/>)
/// like an allowed export.
/// </summary>
public sealed class PersonalDataAccessDeniedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="actor">Who asked.</param>
    /// <param name="deniedTickets">The tickets the policy refused (at least one).</param>
    public PersonalDataAccessDeniedException(string actor, IReadOnlyList<TicketId> deniedTickets)
        : base($"{actor} may not read the personal data of {Preconditions.CheckNotNull(deniedTickets).Count} of the tickets the request covers ({string.Join(", ", deniedTickets.Take(5))}{(deniedTickets.Count > 5 ? ", …" : "")}); nothing was exported.")
    {
        Actor = actor;
        DeniedTickets = deniedTickets;
    }

    /// <summary>Who asked.</summary>
    public string Actor { get; }

    /// <summary>The tickets the policy refused.</summary>
    public IReadOnlyList<TicketId> DeniedTickets { get; }
}
