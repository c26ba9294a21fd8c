using AfterSales.Quality.Calendars;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>The rules of improvement plans.</summary>
public sealed class ImprovementPlanOptions
{
    /// <summary>
    /// The business calendar whose working days count for the delay-request deadline. Default null: the
    /// desk's calendar, the one its SLA uses — the <c>default</c> calendar of the SLA policies given to the
    /// <see cref="ImprovementPlanService"/>, or, without them, 24×7 in <see cref="DocumentNumberingOptions.TimeZone"/>
    /// (the same fallback <c>TicketService</c> uses). Set it only for a team that keeps other working days.
    /// </summary>
    public BusinessCalendar? Calendar { get; set; }

    /// <summary>The after-sales lead: the only actor who approves or rejects delay requests. Required.</summary>
    public string AfterSalesLead { get; set; } = "after-sales-lead";

    /// <summary>Working days a delay request must be filed before the planned finish. Default 1.</summary>
    public int DelayRequestLeadWorkingDays { get; set; } = 1;

    /// <summary>Plan number format and zone.</summary>
    public DocumentNumberingOptions Numbering { get; set; } = new();

    /// <summary>Checks the options, listing every problem.</summary>
    /// <exception cref="QualityValidationException">An option is invalid.</exception>
    public void Validate()
    {
        var errors = new ValidationCollector(nameof(ImprovementPlanOptions));
        if (errors.Required(AfterSalesLead, nameof(AfterSalesLead)))
        {
            errors.Name(AfterSalesLead, nameof(AfterSalesLead));
        }

        if (DelayRequestLeadWorkingDays is < 0 or > 30)
        {
            errors.Add(nameof(DelayRequestLeadWorkingDays), $"must be between 0 and 30; it was {DelayRequestLeadWorkingDays}.");
        }

        if (Numbering is null)
        {
            errors.Add(nameof(Numbering), "is required.");
        }
        else
        {
            Numbering.Validate(errors, nameof(Numbering));
        }

        errors.ThrowIfAny();
    }
}
