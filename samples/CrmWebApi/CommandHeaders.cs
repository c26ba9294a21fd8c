using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Options;

namespace CrmWebApi;

/// <summary>
/// What every command request carries besides its body: the command id (from the <c>Idempotency-Key</c>
/// header, so a retried POST appends nothing twice) and the actor (from <c>X-Actor</c>, or the default).
/// </summary>
/// <param name="CommandId">The library's command id.</param>
/// <param name="Actor">Who issues the command.</param>
/// <param name="IdempotencyKey">The header's value, when the client sent one.</param>
public sealed record CommandHeaders(Guid CommandId, string Actor, string? IdempotencyKey)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ActorHeader = "X-Actor";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    /// <summary>Reads the headers of a request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The command id and the actor.</returns>
    /// <exception cref="QualityValidationException">A header is malformed (named in the error).</exception>
    public static CommandHeaders From(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<CrmWebApiOptions>>().Value;
        var errors = new List<ValidationError>();
        string? key = context.Request.Headers[IdempotencyKeyHeader];
        if (key is not null && (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength))
        {
            errors.Add(new ValidationError(IdempotencyKeyHeader, $"must be 1-{MaxKeyLength} characters (a GUID is best) when sent."));
        }

        string? actor = context.Request.Headers[ActorHeader];
        if (string.IsNullOrWhiteSpace(actor))
        {
            actor = settings.DefaultActor;
        }
        else if (actor.Length > 200)
        {
            errors.Add(new ValidationError(ActorHeader, "must be at most 200 characters."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException("Request headers", errors);
        }

        var commandId = key is null ? Guid.NewGuid() : Guid.TryParse(key, out var guid) ? guid : NameBased("command", key);
        return new CommandHeaders(commandId, actor.Trim(), key);
    }

    /// <summary>
    /// The id a registration creates: the body's <c>ticketId</c>, else one derived from the idempotency key
    /// (so a retried POST /tickets finds the ticket it created), else a new one.
    /// </summary>
    /// <param name="requested">The id the client chose, if any.</param>
    /// <returns>The ticket id.</returns>
    public TicketId TicketIdForRegistration(Guid? requested) =>
        requested is { } id ? new TicketId(id) : IdempotencyKey is { } key ? new TicketId(NameBased("ticket", key)) : TicketId.New();

    /// <summary>A stable GUID from a name (SHA-256, RFC 9562 version 8 layout).</summary>
    private static Guid NameBased(string space, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(space + ":" + name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
