using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// The rules a <see cref="Service.TicketService"/> applies: priority rule table, routing table, number
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

    /// <summary>
    /// Whether <c>CloseTicket.ClosedBySource</c> may close a resolved ticket without a revisit. Default
    /// false: a host's service keeps the guides' rule that no ticket skips its revisit; the importers
    /// turn it on for their own service, to record history another system closed.
    /// </summary>
    public bool AllowClosureBySource { get; set; }

    /// <summary>A shallow copy (the rule tables are immutable and shared), to change a setting for one service.</summary>
    /// <returns>The copy.</returns>
    public TicketServiceOptions Copy() => (TicketServiceOptions)MemberwiseClone();

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
