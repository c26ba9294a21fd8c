using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Calendars;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// Everything the library is configured with, bindable from an <c>IConfiguration</c> section
/// (see the appsettings sample in the README). Every setting defaults to the guides; rule tables
/// left unset keep their defaults, and a table set in configuration replaces the default whole.
/// Validated at start: a bad value stops the host with the configuration key named.
/// </summary>
public sealed class AfterSalesQualityOptions
{
    /// <summary>The configuration section read by <c>AddAfterSalesQuality(configuration)</c>: <c>AfterSalesQuality</c>.</summary>
    public const string SectionName = "AfterSalesQuality";

    /// <summary>The service desk's IANA time zone (e.g. <c>Asia/Shanghai</c>): the date in document numbers. Default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Number formats.</summary>
    public NumberingSettings Numbering { get; set; } = new();

    /// <summary>The priority rule table; null keeps <see cref="PriorityRuleTable.Default"/>.</summary>
    public PriorityRuleTable? PriorityRules { get; set; }

    /// <summary>The routing table; null keeps <see cref="RoutingTable.Default"/>.</summary>
    public RoutingTable? Routing { get; set; }

    /// <summary>The revisit rules.</summary>
    public RevisitRules Revisit { get; set; } = new();

    /// <summary>The negative-feedback rule.</summary>
    public NegativeFeedbackRules NegativeFeedback { get; set; } = new();

    /// <summary>The service desk's business calendar, used as the SLA calendar <c>default</c>; null keeps 24×7 in UTC.</summary>
    public BusinessCalendarOptions? Calendar { get; set; }

    /// <summary>The SLA policies (set in code); null keeps <see cref="SlaPolicySet.Default"/>.</summary>
    public SlaPolicySet? SlaPolicies { get; set; }

    /// <summary>How often the background services scan for SLA alerts and due surveys. Default 1 minute; 1 second to 1 hour.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after the end of service a survey is due. Default 5 minutes.</summary>
    public TimeSpan SurveyDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Builds the SLA policy set: the configured (or default) policies with the configured calendar as <c>default</c>.</summary>
    /// <returns>The policy set.</returns>
    /// <exception cref="CalendarConfigurationException">The calendar is invalid.</exception>
    public SlaPolicySet ToSlaPolicySet()
    {
        var policies = SlaPolicies ?? SlaPolicySet.Default;
        return Calendar is null ? policies : policies.WithCalendar(SlaPolicySet.DefaultCalendarName, Calendar.ToCalendar());
    }

    /// <summary>
    /// Builds the improvement plan options these settings describe: the configured business calendar
    /// (24×7 in <see cref="TimeZone"/> when none) for delay deadlines, and the same number formats.
    /// </summary>
    /// <returns>The options; call <see cref="ImprovementPlanOptions.Validate"/> to check them.</returns>
    /// <exception cref="CalendarConfigurationException">The calendar is invalid.</exception>
    public ImprovementPlanOptions ToImprovementPlanOptions() => new()
    {
        Calendar = Calendar?.ToCalendar() ?? BusinessCalendar.TwentyFourSeven(DateTimeZoneProviders.Tzdb[TimeZone]),
        Numbering = ToTicketServiceOptions().Numbering,
    };

    /// <summary>Builds the ticket service options these settings describe.</summary>
    /// <returns>The options; call <see cref="TicketServiceOptions.Validate"/> to check them.</returns>
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException"><see cref="TimeZone"/> is not a tzdb zone.</exception>
    public TicketServiceOptions ToTicketServiceOptions() => new()
    {
        PriorityRules = PriorityRules ?? PriorityRuleTable.Default,
        Routing = Routing ?? RoutingTable.Default,
        Revisit = Revisit,
        NegativeFeedback = NegativeFeedback,
        Numbering = new DocumentNumberingOptions
        {
            TimeZone = DateTimeZoneProviders.Tzdb[TimeZone],
            Feedback = new DocumentNumberFormat { Prefix = Numbering.FeedbackPrefix, DatePattern = Numbering.DatePattern, SequenceDigits = Numbering.SequenceDigits },
            Revisit = new DocumentNumberFormat { Prefix = Numbering.RevisitPrefix, DatePattern = Numbering.DatePattern, SequenceDigits = Numbering.SequenceDigits },
            Improvement = new DocumentNumberFormat { Prefix = Numbering.ImprovementPrefix, DatePattern = Numbering.DatePattern, SequenceDigits = Numbering.SequenceDigits },
        },
    };
}

/// <summary>Bindable number formats: one date pattern and sequence width, a prefix per kind.</summary>
public sealed class NumberingSettings
{
    /// <summary>Feedback number prefix. Default <c>F</c>.</summary>
    public string FeedbackPrefix { get; set; } = "F";

    /// <summary>Revisit number prefix. Default <c>HV</c>.</summary>
    public string RevisitPrefix { get; set; } = "HV";

    /// <summary>Improvement plan number prefix. Default <c>IMP</c>.</summary>
    public string ImprovementPrefix { get; set; } = "IMP";

    /// <summary>The NodaTime date pattern. Default <c>uuuuMMdd</c>.</summary>
    public string DatePattern { get; set; } = "uuuuMMdd";

    /// <summary>The minimum sequence digits. Default 3.</summary>
    public int SequenceDigits { get; set; } = 3;
}
