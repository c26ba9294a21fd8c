using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Service;

/// <summary>
/// An access request (PIPL art. 45, GDPR art. 15): who asks, why, and which customer — by customer number, or by one of
/// the customer's tickets. Set exactly one of <see cref="CustomerNumber"/> and <see cref="TicketId"/>.
/// </summary>
public sealed record CustomerDataAccessRequest
{
    /// <summary>Who asks (a data-protection officer, an agent serving the customer); the access policy decides. Required.</summary>
    public required Viewer Requester { get; init; }

    /// <summary>Why (e.g. the request's reference, <c>PIPL-45 request 2024-17</c>); 1 to 200 characters, recorded in the audit in clear, so no personal data. Required.</summary>
    public required string Purpose { get; init; }

    /// <summary>The customer's number (compared exactly): every ticket registered with it is exported.</summary>
    public string? CustomerNumber { get; init; }

    /// <summary>One of the customer's tickets: it is exported, and every other ticket registered with its customer number.</summary>
    public TicketId? TicketId { get; init; }

    /// <summary>Checks the request, naming every bad field.</summary>
    /// <exception cref="QualityValidationException">A field is missing or malformed.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        if (Requester is null || string.IsNullOrWhiteSpace(Requester.Id) || Requester.Id.Length > 200 || Requester.Roles is null)
        {
            errors.Add(new ValidationError(nameof(Requester), "is required: an id of 1 to 200 characters and a set of roles."));
        }

        if (string.IsNullOrWhiteSpace(Purpose) || Purpose.Length > 200)
        {
            errors.Add(new ValidationError(nameof(Purpose), "is required: 1 to 200 characters (recorded in the audit)."));
        }

        if (CustomerNumber is null == TicketId is null)
        {
            errors.Add(new ValidationError(nameof(CustomerNumber), $"set exactly one of {nameof(CustomerNumber)} and {nameof(TicketId)}."));
        }
        else if (CustomerNumber is not null && (string.IsNullOrWhiteSpace(CustomerNumber) || CustomerNumber == PersonalDataErased.Placeholder))
        {
            errors.Add(new ValidationError(nameof(CustomerNumber), "must not be blank or the erasure placeholder."));
        }
        else if (TicketId is { IsEmpty: true })
        {
            errors.Add(new ValidationError(nameof(TicketId), "must not be the empty id."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(CustomerDataAccessRequest), errors);
        }
    }
}

/// <summary>One ticket of an access request's export: its history as the store reads it (decrypted) and its current registration.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="FeedbackNumber">Its feedback number.</param>
/// <param name="Erased">Whether the customer's data was erased (or an erasure is requested): every personal value then reads <see cref="PersonalDataErased.Placeholder"/>.</param>
/// <param name="Ticket">The ticket's current state (its <see cref="Ticket.Intake"/> is the registration as it stands).</param>
/// <param name="Events">Every stored event, oldest first: intake, work, revisits, surveys, free text.</param>
public sealed record CustomerTicketData(TicketId TicketId, string FeedbackNumber, bool Erased, Ticket Ticket, IReadOnlyList<RecordedEvent> Events);

/// <summary>
/// What an access request exported: everything stored about one customer, decrypted, with the audit's access id.
/// <see cref="WriteJson(Stream)"/> writes it as JSON (no reflection: the events' source-generated metadata). Immutable.
/// </summary>
/// <param name="AccessId">The id of the audit records of this export.</param>
/// <param name="ExportedAt">When.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="Purpose">Why.</param>
/// <param name="Tickets">The customer's tickets; empty when no stored ticket has the customer number (an erased ticket's number cannot be matched any more).</param>
public sealed record CustomerDataExport(Guid AccessId, Instant ExportedAt, string RequestedBy, string Purpose, IReadOnlyList<CustomerTicketData> Tickets)
{
    private static readonly TicketEventSerializer Serializer = new();

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,

        // Chinese names and free text stay readable; HTML-sensitive characters are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>Writes the export as UTF-8 JSON: <c>accessId</c>, <c>exportedAt</c>, <c>requestedBy</c>, <c>purpose</c>, and <c>tickets</c> — each with <c>ticketId</c>, <c>feedbackNumber</c>, <c>erased</c>, <c>state</c>, <c>registration</c> (the intake) and <c>events</c> (<c>position</c>, <c>version</c>, <c>type</c>, <c>data</c> as the store keeps it, decrypted).</summary>
    /// <param name="utf8">Where to write; left open.</param>
    public void WriteJson(Stream utf8)
    {
        Preconditions.CheckNotNull(utf8);
        using var writer = new Utf8JsonWriter(utf8, WriterOptions);
        Write(writer);
    }

    /// <summary>The export as JSON text (see <see cref="WriteJson(Stream)"/>).</summary>
    /// <returns>The JSON.</returns>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("accessId", AccessId);
        writer.WriteString("exportedAt", InstantPattern.ExtendedIso.Format(ExportedAt));
        writer.WriteString("requestedBy", RequestedBy);
        writer.WriteString("purpose", Purpose);
        writer.WriteStartArray("tickets");
        foreach (var ticket in Tickets)
        {
            writer.WriteStartObject();
            writer.WriteString("ticketId", ticket.TicketId.ToString());
            writer.WriteString("feedbackNumber", ticket.FeedbackNumber);
            writer.WriteBoolean("erased", ticket.Erased);
            writer.WriteString("state", ticket.Ticket.State.ToString());
            if (ticket.Ticket.Intake is { } intake)
            {
                writer.WritePropertyName("registration");
                Serializer.Write(writer, intake);
            }

            writer.WriteStartArray("events");
            foreach (var recorded in ticket.Events)
            {
                writer.WriteStartObject();
                writer.WriteNumber("position", recorded.Position);
                writer.WriteNumber("version", recorded.Version);
                writer.WriteString("type", TicketEventTypes.NameOf(recorded.Event.GetType()));
                writer.WritePropertyName("data");
                Serializer.Write(writer, recorded.Event);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>
/// Answers access requests: exports everything the store keeps about one customer — registration, every ticket, every
/// event, survey answers, free text — decrypted, if the access policy lets the requester read the personal data of
/// every ticket found; otherwise nothing is exported (<see cref="PersonalDataAccessDeniedException"/>). Either way the
/// decision is recorded in the audit first (who, why, when, which tickets), so an export the audit could not record
/// does not happen. Thread-safe.
/// </summary>
/// <remarks>
/// A customer number is found through the store's blind index (<see cref="ICustomerNumberLookup"/>: the SQLite and
/// PostgreSQL stores with <c>MasterKeys</c>) — a few indexed reads — and otherwise by reading the registrations of the
/// whole feed (customer numbers are encrypted with a random nonce per value), whose cost grows with the number of
/// tickets stored. Both find the same tickets.
/// </remarks>
public sealed class CustomerDataExporter
{
    private readonly ITicketStore store;
    private readonly IPersonalDataAccessPolicy policy;
    private readonly IPersonalDataAccessAudit audit;
    private readonly IClock clock;

    /// <summary>Creates the exporter.</summary>
    /// <param name="store">The ticket log (reads decrypt).</param>
    /// <param name="policy">Who may read whose personal data.</param>
    /// <param name="audit">Where every decision is recorded (the SQLite, PostgreSQL and in-memory stores are one).</param>
    /// <param name="clock">The clock of the audit records.</param>
    public CustomerDataExporter(ITicketStore store, IPersonalDataAccessPolicy policy, IPersonalDataAccessAudit audit, IClock clock)
    {
        this.store = Preconditions.CheckNotNull(store);
        this.policy = Preconditions.CheckNotNull(policy);
        this.audit = Preconditions.CheckNotNull(audit);
        this.clock = Preconditions.CheckNotNull(clock);
    }

    /// <summary>Exports everything stored about the customer the request names.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The export (write it with <see cref="CustomerDataExport.WriteJson(Stream)"/>).</returns>
    /// <exception cref="QualityValidationException">The request is malformed (fields named).</exception>
    /// <exception cref="TicketNotFoundException">The request names a ticket that does not exist.</exception>
    /// <exception cref="PersonalDataAccessDeniedException">The policy refuses the requester some ticket; the refusal is recorded.</exception>
    public async Task<CustomerDataExport> ExportAsync(CustomerDataAccessRequest request, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(request);
        request.Validate();
        var streams = new Dictionary<TicketId, TicketStream>();
        var customerNumber = request.CustomerNumber;
        if (request.TicketId is { } named)
        {
            var stream = await store.ReadStreamAsync(named, cancellationToken).ConfigureAwait(false);
            if (!stream.Exists)
            {
                throw new TicketNotFoundException(named);
            }

            streams[named] = stream;
            customerNumber = Ticket.Replay(named, stream.Events.Select(e => e.Event)).Intake?.CustomerNumber;
        }

        if (customerNumber is not null)
        {
            foreach (var found in await CustomerTickets.FindAsync(store, customerNumber, cancellationToken).ConfigureAwait(false))
            {
                if (!streams.ContainsKey(found))
                {
                    streams[found] = await store.ReadStreamAsync(found, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var tickets = streams.Values.OrderBy(s => s.Events[0].Position).Select(s => (Stream: s, Ticket: Ticket.Replay(s.TicketId, s.Events.Select(e => e.Event)))).ToArray();
        var requested = await ErasureRequestedAsync([.. streams.Keys], cancellationToken).ConfigureAwait(false);
        var denied = tickets.Where(t => !policy.MayReadPersonalData(t.Ticket, request.Requester)).Select(t => t.Ticket.Id).ToArray();
        var accessId = Guid.NewGuid();
        var now = clock.GetCurrentInstant();
        var records = tickets.Length == 0
            ? [new PersonalDataAccessRecord(accessId, now, request.Requester.Id, request.Purpose, PersonalDataAccessKind.Export, PersonalDataAccessDecision.Allowed, null)]
            : tickets.Select(t => new PersonalDataAccessRecord(accessId, now, request.Requester.Id, request.Purpose, PersonalDataAccessKind.Export,
                denied.Length == 0 ? PersonalDataAccessDecision.Allowed : PersonalDataAccessDecision.Denied, t.Ticket.Id)).ToArray();
        await audit.RecordAccessAsync(records, cancellationToken).ConfigureAwait(false);
        if (denied.Length > 0)
        {
            throw new PersonalDataAccessDeniedException(request.Requester.Id, denied);
        }

        return new CustomerDataExport(accessId, now, request.Requester.Id, request.Purpose, [.. tickets.Select(t => Data(t.Ticket, t.Stream, requested.Contains(t.Ticket.Id)))]);
    }

    private static CustomerTicketData Data(Ticket ticket, TicketStream stream, bool erasureRequested)
    {
        var erased = erasureRequested || stream.Events.Any(e => e.Event is PersonalDataErased);
        if (!erased)
        {
            return new CustomerTicketData(ticket.Id, ticket.FeedbackNumber, false, ticket, stream.Events);
        }

        // The shredding stores already read erased values as the placeholder; a store that keeps free text in clear
        // (in memory, the one-key Protector model) does not: every personal value of an erased ticket is left out here.
        RecordedEvent[] events = [.. stream.Events.Select(r => r with { Event = CustomerDataEncryption.Map(r.Event, (_, _) => PersonalDataErased.Placeholder) })];
        return new CustomerTicketData(ticket.Id, ticket.FeedbackNumber, true, Ticket.Replay(ticket.Id, events.Select(e => e.Event)), events);
    }

    private async Task<HashSet<TicketId>> ErasureRequestedAsync(IReadOnlyCollection<TicketId> ticketIds, CancellationToken cancellationToken)
    {
        if (ticketIds.Count == 0 || (store as ICustomerKeyHolder)?.CustomerKeys is not { } keys)
        {
            return [];
        }

        var stored = await keys.GetAsync(ticketIds, cancellationToken).ConfigureAwait(false);
        return [.. stored.Values.Where(k => k.Stage != ErasureStage.None).Select(k => k.TicketId)];
    }
}
