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

    /// <summary>
    /// The service desk's IANA time zone (e.g. <c>Asia/Shanghai</c>). Default <c>UTC</c>. It is the zone of
    /// the local date in document numbers (feedback, revisit and plan numbers), of the business calendar (SLA and
    /// improvement plans alike; 24×7 when no <see cref="Calendar"/> is set), and —
    /// unless a caller names another — of KPI periods (<see cref="ToTicketFactProjection"/>), reports
    /// (through the policies' <c>default</c> calendar) and imported local timestamps (through
    /// <see cref="ToTicketServiceOptions"/>).
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Number formats, the core's own type: keys <c>Numbering:Feedback:Prefix</c>,
    /// <c>Numbering:Revisit:DatePattern</c>, <c>Numbering:Improvement:SequenceDigits</c>, …
    /// Its <see cref="DocumentNumberingOptions.TimeZone"/> is not read: numbers are dated in <see cref="TimeZone"/>.
    /// </summary>
    public DocumentNumberingOptions Numbering { get; set; } = new();

    /// <summary>The priority rule table; null keeps <see cref="PriorityRuleTable.Default"/>.</summary>
    public PriorityRuleTable? PriorityRules { get; set; }

    /// <summary>The routing table; null keeps <see cref="RoutingTable.Default"/>.</summary>
    public RoutingTable? Routing { get; set; }

    /// <summary>The revisit rules.</summary>
    public RevisitRules Revisit { get; set; } = new();

    /// <summary>The negative-feedback rule.</summary>
    public NegativeFeedbackRules NegativeFeedback { get; set; } = new();

    /// <summary>
    /// The service desk's business calendar: the SLA calendar <c>default</c> and the improvement plans'
    /// calendar (delay-request deadlines count its working days); null keeps 24×7 in <see cref="TimeZone"/>.
    /// Its zone is the desk's: leave <c>Calendar:TimeZone</c> out (or at its default, UTC) and the calendar
    /// runs in <see cref="TimeZone"/>; any other value must equal <see cref="TimeZone"/>, or start-up fails.
    /// </summary>
    public BusinessCalendarOptions? Calendar { get; set; }

    /// <summary>The SLA policies (set in code); null keeps <see cref="SlaPolicySet.Default"/>.</summary>
    public SlaPolicySet? SlaPolicies { get; set; }

    /// <summary>
    /// Working time before a ticket's escalation point at which an unescalated ticket raises an escalation warning
    /// (<see cref="SlaPolicySet.EscalationWarningLeadTime"/>; key <c>EscalationWarningLeadTime</c>). Null keeps the
    /// policy set's (default 30 minutes); positive and shorter than every escalation target (the guides' 2 h).
    /// </summary>
    public TimeSpan? EscalationWarningLeadTime { get; set; }

    /// <summary>How often the background services scan for SLA alerts and due surveys. Default 1 minute; 1 second to 1 hour.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the background service writes a snapshot of the SLA due index, and the KPI read model one of its fact
    /// projection (after a query or refresh, when the interval has passed), to a store that keeps snapshots
    /// (<c>ISnapshotStore</c>: SQLite, PostgreSQL), so the next start loads them and catches up from their position instead
    /// of rebuilding from position 0. Written in the background, never blocking appends. Default 5 minutes; 1 second to
    /// 24 hours, or <see cref="TimeSpan.Zero"/> to neither write nor load snapshots.
    /// </summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// With a store that keeps leases (PostgreSQL, in-memory): how long the node doing the background work keeps the
    /// lease without renewing it — a node that dies loses it after this long and another takes over from the shared
    /// checkpoint. The holder renews every third of it (and before each handler call past that). Default 30 seconds;
    /// 3 seconds to 10 minutes. Read at start.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the store's dispatch ledger keeps the record of an alert or survey handed over, counted back from the scan
    /// checkpoint: the hosted service removes older records once an hour (an alert behind the checkpoint is never raised
    /// again). A survey that is still due that long after it was handed over (never recorded sent) is handed over again.
    /// Default 30 days; 1 day to 3650 days, or <see cref="TimeSpan.Zero"/> to keep every record. Read at start.
    /// </summary>
    public TimeSpan DispatchedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long after the end of service a survey is due. Default 5 minutes.</summary>
    public TimeSpan SurveyDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The improvement plans' rules that are not the desk's (keys <c>ImprovementPlans:AfterSalesLead</c>,
    /// <c>ImprovementPlans:DelayRequestLeadWorkingDays</c>); their calendar and numbers are the desk's.
    /// </summary>
    public ImprovementPlanSettings ImprovementPlans { get; set; } = new();

    /// <summary>The desk's zone, <see cref="TimeZone"/> resolved.</summary>
    /// <returns>The zone.</returns>
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException"><see cref="TimeZone"/> is not a tzdb zone.</exception>
    public DateTimeZone ToDateTimeZone() => DateTimeZoneProviders.Tzdb[TimeZone];

    /// <summary>
    /// Builds the SLA policy set: the configured (or default) policies with the desk's calendar as
    /// <c>default</c> — the configured <see cref="Calendar"/>, or 24×7 in <see cref="TimeZone"/> when none — and
    /// the configured <see cref="EscalationWarningLeadTime"/>.
    /// </summary>
    /// <returns>The policy set.</returns>
    /// <exception cref="CalendarConfigurationException">The calendar is invalid.</exception>
    public SlaPolicySet ToSlaPolicySet()
    {
        var policies = (SlaPolicies ?? SlaPolicySet.Default).WithCalendar(SlaPolicySet.DefaultCalendarName, DeskCalendar());
        return EscalationWarningLeadTime is { } lead ? policies with { EscalationWarningLeadTime = Duration.FromTimeSpan(lead) } : policies;
    }

    /// <summary>
    /// Builds the improvement plan options these settings describe: the desk's calendar (as in
    /// <see cref="ToSlaPolicySet"/>) for delay deadlines, and the same number formats and zone.
    /// </summary>
    /// <returns>The options; call <see cref="ImprovementPlanOptions.Validate"/> to check them.</returns>
    /// <exception cref="CalendarConfigurationException">The calendar is invalid.</exception>
    public ImprovementPlanOptions ToImprovementPlanOptions() => new()
    {
        Calendar = DeskCalendar(),
        Numbering = ToTicketServiceOptions().Numbering,
        AfterSalesLead = ImprovementPlans?.AfterSalesLead!,
        DelayRequestLeadWorkingDays = ImprovementPlans?.DelayRequestLeadWorkingDays ?? new ImprovementPlanSettings().DelayRequestLeadWorkingDays,
    };

    /// <summary>
    /// A KPI read model of a store in the desk's zone: KPI queries on its facts that name no zone take
    /// their periods in <see cref="TimeZone"/>, and a report built on it dates in it.
    /// </summary>
    /// <param name="store">The ticket log to follow.</param>
    /// <param name="dimensions">The dimension dictionaries to encode into; a new set when null.</param>
    /// <param name="capacity">The expected number of tickets.</param>
    /// <returns>The projection, measured against <see cref="ToSlaPolicySet"/>.</returns>
    public ReadModels.TicketFactProjection ToTicketFactProjection(Storage.ITicketStore store, Kpi.FactDimensions? dimensions = null, int capacity = 1024) =>
        new(store, ToSlaPolicySet(), dimensions, capacity, ToDateTimeZone());

    private BusinessCalendar DeskCalendar()
    {
        if (Calendar is null)
        {
            return BusinessCalendar.TwentyFourSeven(ToDateTimeZone());
        }

        // One desk zone: a calendar that names no zone of its own (the default, UTC) runs in the desk's;
        // a valid zone of its own must be the desk's. An invalid one is reported by ToCalendar with the rest.
        var named = Calendar.TimeZone;
        var follows = string.IsNullOrWhiteSpace(named) || string.Equals(named, DefaultCalendarZone, StringComparison.Ordinal);
        var mismatch = !follows && DateTimeZoneProviders.Tzdb.GetZoneOrNull(named) is not null && !string.Equals(named, TimeZone, StringComparison.Ordinal);
        var copy = new BusinessCalendarOptions
        {
            // Every setting of the bound calendar, with the desk's zone when it names none.
            Name = Calendar.Name,
            TimeZone = follows || mismatch ? TimeZone : named,
            WeeklyHours = Calendar.WeeklyHours,
            Holidays = Calendar.Holidays,
            MakeUpWorkingDays = Calendar.MakeUpWorkingDays,
            CoveredYears = Calendar.CoveredYears,
            UncoveredDates = Calendar.UncoveredDates,
        };
        var errors = new List<string>();
        if (mismatch)
        {
            errors.Add($"{nameof(BusinessCalendarOptions.TimeZone)}: '{named}' differs from the desk's TimeZone '{TimeZone}'; the desk has one zone: leave Calendar:TimeZone out or set it to '{TimeZone}'.");
        }

        BusinessCalendar? calendar = null;
        try
        {
            calendar = copy.ToCalendar();
        }
        catch (CalendarConfigurationException ex)
        {
            errors.AddRange(ex.Errors);
        }

        return calendar is not null && errors.Count == 0 ? calendar : throw new CalendarConfigurationException(copy.Name, errors);
    }

    private static readonly string DefaultCalendarZone = new BusinessCalendarOptions().TimeZone;

    /// <summary>Builds the ticket service options these settings describe.</summary>
    /// <returns>The options; call <see cref="TicketServiceOptions.Validate"/> to check them.</returns>
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException"><see cref="TimeZone"/> is not a tzdb zone.</exception>
    public TicketServiceOptions ToTicketServiceOptions() => new()
    {
        PriorityRules = PriorityRules ?? PriorityRuleTable.Default,
        Routing = Routing ?? RoutingTable.Default,
        Revisit = Revisit,
        NegativeFeedback = NegativeFeedback,
        Numbering = Numbering is null ? null! : new DocumentNumberingOptions
        {
            TimeZone = ToDateTimeZone(),
            Feedback = Numbering.Feedback,
            Revisit = Numbering.Revisit,
            Improvement = Numbering.Improvement,
            RevisitDatedBy = Numbering.RevisitDatedBy,
        },
    };
}

/// <summary>The improvement-plan settings bound under <c>AfterSalesQuality:ImprovementPlans</c>.</summary>
public sealed class ImprovementPlanSettings
{
    /// <summary>The after-sales lead: who decides delay requests and holds plan reviews. Default <c>after-sales-lead</c>.</summary>
    public string AfterSalesLead { get; set; } = new ImprovementPlanOptions().AfterSalesLead;

    /// <summary>Working days a delay request must be filed before the planned finish (0–30). Default 1, as the guides.</summary>
    public int DelayRequestLeadWorkingDays { get; set; } = new ImprovementPlanOptions().DelayRequestLeadWorkingDays;
}
