using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AfterSales.Quality.Service;

/// <summary>Who is asking to see a ticket.</summary>
/// <param name="Id">The user's id, as recorded as actor, owner or assignee.</param>
/// <param name="Roles">The user's roles in the host.</param>
public sealed record Viewer(string Id, IReadOnlySet<string> Roles);

/// <summary>Decides who may read a ticket's personal data. Implementations must be thread-safe.</summary>
public interface IPersonalDataAccessPolicy
{
    /// <summary>Whether <paramref name="viewer"/> may read the personal data of <paramref name="ticket"/>.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="viewer">Who asks.</param>
    /// <returns><see langword="true"/> to show the data, <see langword="false"/> to mask it.</returns>
    bool MayReadPersonalData(Ticket ticket, Viewer viewer);
}

/// <summary>
/// The default policy: the people working the ticket — the intake owner, the assignee and the
/// first responsible person — and anyone with one of the roles the host names.
/// </summary>
/// <param name="roles">Roles that may always read personal data (e.g. <c>after-sales-lead</c>).</param>
public sealed class WorkingPeopleAccessPolicy(params string[] roles) : IPersonalDataAccessPolicy
{
    private readonly HashSet<string> roles = new(roles ?? [], StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public bool MayReadPersonalData(Ticket ticket, Viewer viewer)
    {
        Preconditions.CheckNotNull(ticket);
        Preconditions.CheckNotNull(viewer);
        return string.Equals(viewer.Id, ticket.Intake?.Owner, StringComparison.Ordinal)
            || string.Equals(viewer.Id, ticket.Assignee, StringComparison.Ordinal)
            || string.Equals(viewer.Id, ticket.Route?.FirstResponsiblePerson, StringComparison.Ordinal)
            || viewer.Roles.Any(roles.Contains);
    }
}
