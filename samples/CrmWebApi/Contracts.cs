using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace CrmWebApi;

// Request bodies. Every field is nullable so that a missing field reaches the library's validation,
// which names it; enums are written by name ("CoreFunction"), instants as ISO-8601 ("2024-03-01T02:30:00Z").

/// <summary>POST /tickets: the intake (DOMAIN §2).</summary>
public sealed record RegisterTicketRequest
{
    /// <summary>The id the new ticket gets; derived from the Idempotency-Key (or random) when absent.</summary>
    public Guid? TicketId { get; init; }

    public string? CustomerName { get; init; }

    public CustomerKind? CustomerKind { get; init; }

    public string? Contact { get; init; }

    public string? Address { get; init; }

    public string? CustomerSegment { get; init; }

    /// <summary>The CRM's customer number: tickets registered with the same number are one customer's (access requests, erasure).</summary>
    public string? CustomerNumber { get; init; }

    public string? ProductModel { get; init; }

    public string? ProductLine { get; init; }

    public LocalDate? PurchaseOrServiceDate { get; init; }

    /// <summary>The channel name (<c>phone</c>, <c>online-chat</c>, <c>email</c>, ... or your own); default <c>phone</c>.</summary>
    public string? Channel { get; init; }

    /// <summary>When the feedback was received; default: now.</summary>
    public Instant? ReceivedAt { get; init; }

    public string? Description { get; init; }

    public string? CustomerExpectation { get; init; }

    public string? AlreadyTried { get; init; }

    public string? ServiceTicketNumber { get; init; }

    /// <summary>The agent who owns the intake; default: the actor.</summary>
    public string? Owner { get; init; }
}

/// <summary>POST /tickets/{id}/triage.</summary>
public sealed record TriageRequest
{
    /// <summary>The category name: <c>product-fault</c>, <c>service-experience</c>, <c>suggestion</c>, <c>complaint</c> or your own.</summary>
    public string? Category { get; init; }

    public AssessmentRequest? Assessment { get; init; }

    public string? Department { get; init; }

    public string? FirstResponsiblePerson { get; init; }
}

/// <summary>The three axes of the priority assessment (all default to the mildest value).</summary>
public sealed record AssessmentRequest
{
    public ImpactScope? ImpactScope { get; init; }

    public Urgency? Urgency { get; init; }

    public Severity? Severity { get; init; }

    public bool? IsKeyAccount { get; init; }

    public PriorityAssessment ToDomain() => new()
    {
        ImpactScope = ImpactScope ?? default,
        Urgency = Urgency ?? default,
        Severity = Severity ?? default,
        IsKeyAccount = IsKeyAccount ?? false,
    };
}

/// <summary>POST /tickets/{id}/assign.</summary>
public sealed record AssignRequest(string? Assignee);

/// <summary>POST /tickets/{id}/respond.</summary>
public sealed record RespondRequest(string? Summary);

/// <summary>POST /tickets/{id}/resolve.</summary>
public sealed record ResolveRequest(string? Solution);

/// <summary>POST /tickets/{id}/erase-customer: the erasure request's reference (no personal data).</summary>
public sealed record EraseCustomerRequest(string? Reason);

/// <summary>The answer of POST /tickets/{id}/erase-customer: every ticket of the customer that was erased.</summary>
public sealed record ErasureView(IReadOnlyList<Guid> Erased);

/// <summary>POST /tickets/{id}/revisit.</summary>
public sealed record RevisitRequest
{
    public RevisitMethod? Method { get; init; }

    public bool? Resolved { get; init; }

    public int? Score { get; init; }

    public string? Suggestions { get; init; }

    public bool? Unreachable { get; init; }
}

// Responses.

/// <summary>
/// A ticket as the API shows it to one viewer: the customer's personal data and every free text (description, solution,
/// survey comment) in full when the access policy allows (<see cref="PersonalData"/> <c>Allowed</c>), masked or
/// <c>[withheld]</c> otherwise; the SLA clocks evaluated now.
/// </summary>
public sealed record TicketView(
    Guid Id,
    string FeedbackNumber,
    TicketState State,
    long Version,
    AfterSales.Quality.Storage.PersonalDataAccessDecision PersonalData,
    CustomerView Customer,
    string ProductModel,
    string? ProductLine,
    string Channel,
    Instant ReceivedAt,
    string Owner,
    string Description,
    string? Category,
    Priority? Priority,
    string? PriorityRule,
    RouteView? Route,
    string? Assignee,
    Instant? FirstResponseAt,
    string? Solution,
    Instant? ResolvedAt,
    int ResolutionCycle,
    int ReopenCount,
    string? LastRevisitNumber,
    RevisitOutcome? LastRevisitOutcome,
    int? LastRevisitScore,
    SurveyAnswers? LastSurvey,
    Instant? ClosedAt,
    IReadOnlyList<SlaView> Sla);

/// <summary>The customer: in full for a viewer the policy allows, masked otherwise (<c>Zhang*</c>, <c>138****5678</c>).</summary>
public sealed record CustomerView(string Name, string Contact, CustomerKind Kind, string? Segment);

/// <summary>Where the ticket is routed.</summary>
public sealed record RouteView(string Department, string? Queue, string? FirstResponsiblePerson);

/// <summary>One SLA clock of the ticket (working time on its calendar).</summary>
public sealed record SlaView(
    SlaTargetKind Kind,
    int Cycle,
    string Policy,
    string Calendar,
    SlaClockState State,
    Duration Target,
    Duration Elapsed,
    Duration Remaining,
    double ElapsedShare,
    Instant StartedAt,
    Instant? StoppedAt,
    Instant? Due,
    bool Breached,
    IReadOnlyList<double> WarningsReached)
{
    public static SlaView From(SlaTargetStatus s) => new(
        s.Kind, s.Cycle, s.Policy, s.Calendar, s.State, s.Target, s.Elapsed, s.Remaining, Math.Round(s.ElapsedShare, 4),
        s.StartedAt, s.StoppedAt, s.Due, s.IsBreached, s.WarningsReached);
}

/// <summary>One event of a ticket's audit trail (no payload: the registration holds personal data).</summary>
public sealed record HistoryEntry(long Version, long Position, string Event, Instant OccurredAt, string Actor, Guid CommandId);
