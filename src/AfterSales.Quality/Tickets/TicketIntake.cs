using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Privacy;
using NodaTime;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// What is captured when a ticket is registered, whatever the channel (DOMAIN §2). The customer's
/// name, contact and address are personal data: they never appear in exception messages.
/// Immutable.
/// </summary>
public sealed record TicketIntake
{
    /// <summary>The customer: a person's or a company's name (personal data). Required.</summary>
    [PersonalData]
    public string CustomerName { get; init; } = "";

    /// <summary>
    /// The customer's number in the host CRM (e.g. <c>C10086</c>), if it has one (personal data: it
    /// identifies the customer). It names the ticket's archive (<see cref="Ticket.ArchiveName"/>), so it is
    /// at most 64 characters without white space or <c>/ \ : * ? " &lt; &gt; |</c>.
    /// </summary>
    [PersonalData]
    public string? CustomerNumber { get; init; }

    /// <summary>Whether the customer is a person or a company. Default <see cref="CustomerKind.Person"/>.</summary>
    public CustomerKind CustomerKind { get; init; }

    /// <summary>How to reach the customer: a phone number or an email address (personal data). Required.</summary>
    [PersonalData]
    public string Contact { get; init; } = "";

    /// <summary>The customer's address (personal data), if known.</summary>
    [PersonalData]
    public string? Address { get; init; }

    /// <summary>The customer segment (e.g. <c>standard</c>, <c>vip</c>, <c>key-account</c>): a KPI dimension and an SLA condition.</summary>
    public string? CustomerSegment { get; init; }

    /// <summary>The product model or the service item, e.g. <c>Phone Pro</c> or <c>air-conditioner installation</c>. Required.</summary>
    public string ProductModel { get; init; } = "";

    /// <summary>The product line the model belongs to (a KPI dimension), if the host tracks it.</summary>
    public string? ProductLine { get; init; }

    /// <summary>The purchase or service date, in the customer's calendar; not after the day the ticket was received.</summary>
    public LocalDate? PurchaseOrServiceDate { get; init; }

    /// <summary>The channel the feedback arrived through. Default <see cref="ServiceChannel.Phone"/>.</summary>
    public ServiceChannel Channel { get; init; } = ServiceChannel.Phone;

    /// <summary>When the feedback was received; not in the future. Required.</summary>
    public Instant ReceivedAt { get; init; }

    /// <summary>
    /// When the problem occurred, as the customer reports it (table 1's 发生时间), if known; not after
    /// <see cref="ReceivedAt"/>. Recorded only: the SLA clocks run from <see cref="ReceivedAt"/>.
    /// </summary>
    public Instant? ProblemOccurredAt { get; init; }

    /// <summary>The scene and the problem in the customer's words. Required.</summary>
    public string Description { get; init; } = "";

    /// <summary>What the customer expects, if they said.</summary>
    public string? CustomerExpectation { get; init; }

    /// <summary>What the customer already tried (e.g. "restarted, changed charger — no effect").</summary>
    public string? AlreadyTried { get; init; }

    /// <summary>The host CRM's own service ticket number (e.g. <c>CS20240301001</c>), if any.</summary>
    public string? ServiceTicketNumber { get; init; }

    /// <summary>The service agent who registered the ticket and owns the intake. Required.</summary>
    public string Owner { get; init; } = "";

    internal const int MaxNameLength = 200;
    internal const int MaxTextLength = 8000;
    internal const int MaxCustomerNumberLength = 64;

    private static readonly char[] ArchiveUnsafe = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>The earliest receipt instant accepted (1900-01-01 UTC): anything earlier is a default or a unit error, and would not fit a dated number.</summary>
    internal static readonly Instant EarliestReceivedAt = Instant.FromUtc(1900, 1, 1, 0, 0);

    internal void Validate(ValidationCollector errors, Instant now, DateTimeZone zone)
    {
        if (errors.Required(CustomerName, nameof(CustomerName)))
        {
            errors.MaxLength(CustomerName, MaxNameLength, nameof(CustomerName));
        }

        if (CustomerNumber is not null && errors.Required(CustomerNumber, nameof(CustomerNumber)))
        {
            errors.MaxLength(CustomerNumber, MaxCustomerNumberLength, nameof(CustomerNumber));
            var bad = CustomerNumber.IndexOfAny(ArchiveUnsafe);
            if (bad < 0)
            {
                bad = CustomerNumber.ToList().FindIndex(char.IsWhiteSpace);
            }

            if (bad >= 0)
            {
                // Personal data: the message names the position, never the value.
                errors.Add(nameof(CustomerNumber), $"holds white space or one of / \\ : * ? \" < > | at position {bad}: it names the ticket's archive.");
            }
        }

        if (!Enum.IsDefined(CustomerKind))
        {
            errors.Add(nameof(CustomerKind), $"'{(int)CustomerKind}' is not a customer kind (Person or Company).");
        }

        if (errors.Required(Contact, nameof(Contact)) && !ContactFormat.IsValid(Contact))
        {
            // The value is personal data: the message describes the rule, never the value.
            errors.Add(nameof(Contact), "is neither a phone number (5-20 digits; '+', '-', '(', ')', '.', spaces allowed) nor an email address (name@domain.tld).");
        }

        errors.MaxLength(Address, MaxTextLength, nameof(Address));
        errors.MaxLength(CustomerSegment, MaxNameLength, nameof(CustomerSegment));
        if (errors.Required(ProductModel, nameof(ProductModel)))
        {
            errors.MaxLength(ProductModel, MaxNameLength, nameof(ProductModel));
        }

        errors.MaxLength(ProductLine, MaxNameLength, nameof(ProductLine));
        if (Channel.Name is null)
        {
            errors.Add(nameof(Channel), "is required.");
        }

        if (ReceivedAt == default)
        {
            errors.Add(nameof(ReceivedAt), "is required (the instant the feedback was received).");
        }
        else if (ReceivedAt < EarliestReceivedAt)
        {
            errors.Add(nameof(ReceivedAt), $"{ReceivedAt} is before {EarliestReceivedAt}: not the instant a ticket was received.");
        }
        else if (ReceivedAt > now)
        {
            errors.Add(nameof(ReceivedAt), $"{ReceivedAt} is in the future (now is {now}).");
        }
        else if (PurchaseOrServiceDate is { } date && date > ReceivedAt.InZone(zone).Date)
        {
            errors.Add(nameof(PurchaseOrServiceDate), $"{date:uuuu-MM-dd} is after the day the ticket was received ({ReceivedAt.InZone(zone).Date:uuuu-MM-dd}).");
        }

        if (ProblemOccurredAt is { } occurred && ReceivedAt != default)
        {
            if (occurred < EarliestReceivedAt)
            {
                errors.Add(nameof(ProblemOccurredAt), $"{occurred} is before {EarliestReceivedAt}: not the instant a problem occurred.");
            }
            else if (occurred > ReceivedAt)
            {
                errors.Add(nameof(ProblemOccurredAt), $"{occurred} is after the feedback was received ({ReceivedAt}).");
            }
        }

        if (errors.Required(Description, nameof(Description)))
        {
            errors.MaxLength(Description, MaxTextLength, nameof(Description));
        }

        errors.MaxLength(CustomerExpectation, MaxTextLength, nameof(CustomerExpectation));
        errors.MaxLength(AlreadyTried, MaxTextLength, nameof(AlreadyTried));
        errors.MaxLength(ServiceTicketNumber, 64, nameof(ServiceTicketNumber));
        if (errors.Required(Owner, nameof(Owner)))
        {
            errors.MaxLength(Owner, MaxNameLength, nameof(Owner));
        }
    }
}

/// <summary>Checks that a contact is a phone number or an email address.</summary>
internal static class ContactFormat
{
    public static bool IsValid(string contact)
    {
        var text = contact.Trim();
        if (text.Contains('@'))
        {
            var at = text.IndexOf('@');
            var domain = text[(at + 1)..];
            return at > 0
                && text.LastIndexOf('@') == at
                && domain.Length >= 3
                && domain.IndexOf('.') > 0
                && !domain.EndsWith('.')
                && !text.Any(char.IsWhiteSpace);
        }

        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!(c is ' ' or '-' or '(' or ')' or '.' || (c == '+' && i == 0)))
            {
                return false;
            }
        }

        return digits is >= 5 and <= 20;
    }
}
