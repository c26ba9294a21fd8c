using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// The revisit rules: when a revisit counts as unsatisfied, and how many failed attempts allow
/// recording the customer as unreachable. Immutable.
/// </summary>
public sealed record RevisitRules
{
    /// <summary>
    /// A score at or below this is unsatisfied and reopens the ticket (a "not resolved" answer
    /// always does). 1–4; default 2.
    /// </summary>
    public int UnsatisfiedScoreThreshold { get; init; } = 2;

    /// <summary>Failed attempts needed before the revisit may be recorded as unreachable. 1–20; default 3.</summary>
    public int UnreachableAfterAttempts { get; init; } = 3;

    internal void Validate(ValidationCollector errors, string prefix)
    {
        if (UnsatisfiedScoreThreshold is < 1 or > 4)
        {
            errors.Add($"{prefix}.{nameof(UnsatisfiedScoreThreshold)}", $"must be between 1 and 4; it was {UnsatisfiedScoreThreshold}.");
        }

        if (UnreachableAfterAttempts is < 1 or > 20)
        {
            errors.Add($"{prefix}.{nameof(UnreachableAfterAttempts)}", $"must be between 1 and 20; it was {UnreachableAfterAttempts}.");
        }
    }
}

/// <summary>
/// The negative-feedback rule: who gets the early warning, and which survey score counts as low.
/// Immutable.
/// </summary>
public sealed record NegativeFeedbackRules
{
    /// <summary>
    /// The owner warned when the ticket's route names no first responsible person. Default
    /// <c>service-supervisor</c>.
    /// </summary>
    public string Owner { get; init; } = Departments.ServiceSupervisor;

    /// <summary>A survey satisfaction score at or below this raises an early warning. 1–4; default 2.</summary>
    public int LowScoreThreshold { get; init; } = 2;

    internal void Validate(ValidationCollector errors, string prefix)
    {
        errors.Required(Owner, $"{prefix}.{nameof(Owner)}");
        if (LowScoreThreshold is < 1 or > 4)
        {
            errors.Add($"{prefix}.{nameof(LowScoreThreshold)}", $"must be between 1 and 4; it was {LowScoreThreshold}.");
        }
    }
}

/// <summary>
/// The rules a <see cref="TicketService"/> applies: priority rule table, routing table, number
/// formats and revisit rules, each defaulting to the guides. A property bag; validated all at once
/// when the service is created.
/// </summary>
public sealed class TicketServiceOptions
{
    /// <summary>The priority rule table. Default <see cref="PriorityRuleTable.Default"/>.</summary>
    public PriorityRuleTable PriorityRules { get; set; } = PriorityRuleTable.Default;

    /// <summary>The routing table. Default <see cref="RoutingTable.Default"/>.</summary>
    public RoutingTable Routing { get; set; } = RoutingTable.Default;

    /// <summary>Feedback / revisit / improvement number formats and their zone.</summary>
    public DocumentNumberingOptions Numbering { get; set; } = new();

    /// <summary>The revisit rules.</summary>
    public RevisitRules Revisit { get; set; } = new();

    /// <summary>The negative-feedback rule.</summary>
    public NegativeFeedbackRules NegativeFeedback { get; set; } = new();

    /// <summary>Checks every setting and throws one exception listing every problem, each with its key.</summary>
    /// <exception cref="QualityValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var errors = new ValidationCollector(nameof(TicketServiceOptions));
        if (PriorityRules is null)
        {
            errors.Add(nameof(PriorityRules), "is required.");
        }
        else
        {
            PriorityRules.Validate(errors, nameof(PriorityRules));
        }

        if (Routing is null)
        {
            errors.Add(nameof(Routing), "is required.");
        }
        else
        {
            Routing.Validate(errors, nameof(Routing));
        }

        if (Numbering is null)
        {
            errors.Add(nameof(Numbering), "is required.");
        }
        else
        {
            Numbering.Validate(errors, nameof(Numbering));
        }

        if (Revisit is null)
        {
            errors.Add(nameof(Revisit), "is required.");
        }
        else
        {
            Revisit.Validate(errors, nameof(Revisit));
        }

        if (NegativeFeedback is null)
        {
            errors.Add(nameof(NegativeFeedback), "is required.");
        }
        else
        {
            NegativeFeedback.Validate(errors, nameof(NegativeFeedback));
        }

        errors.ThrowIfAny();
    }
}
