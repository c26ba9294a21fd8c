using System.Security.Claims;
using AfterSales.Quality;
using AfterSales.Quality.Service;

namespace CrmWebApi;

/// <summary>
/// Who is reading, for <see cref="PersonalDataGuard"/>: the authenticated user when the host has authentication (the
/// name and the role claims), else the <c>X-Actor</c> header (or <c>CrmWebApi:DefaultActor</c>) with the roles of the
/// <c>X-Roles</c> header (comma-separated). The headers are this sample's stand-in for authentication, which it does not
/// have: a real CRM takes the viewer from its sign-in, never from a header a client can set.
/// </summary>
public static class RequestViewer
{
    /// <summary>The header with the viewer's roles, comma-separated (e.g. <c>after-sales-lead</c>).</summary>
    public const string RolesHeader = "X-Roles";

    /// <summary>The role that may always read personal data in this sample.</summary>
    public const string LeadRole = "after-sales-lead";

    /// <summary>The role that may erase a customer's data in this sample.</summary>
    public const string DataProtectionOfficerRole = "data-protection-officer";

    /// <summary>The viewer of a request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The viewer.</returns>
    /// <exception cref="QualityValidationException">A header is malformed (named in the error).</exception>
    public static Viewer From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return new Viewer(name, context.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase));
        }

        var actor = CommandHeaders.From(context).Actor;
        var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var role in context.Request.Headers[RolesHeader].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (role.Length > 64 || roles.Count >= 20)
            {
                throw new QualityValidationException("Request headers", [new ValidationError(RolesHeader, "must list at most 20 roles of at most 64 characters each, comma-separated.")]);
            }

            roles.Add(role);
        }

        return new Viewer(actor, roles);
    }
}
