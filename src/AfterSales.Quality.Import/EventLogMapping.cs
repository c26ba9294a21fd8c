using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>
/// How an event log (one CSV row per status change) maps onto the ticket lifecycle: which columns
/// hold the case, the time, the activity, the agent, the team and the support level, and what each
/// activity means. A property bag; validated by <see cref="Validate"/>. Presets:
/// <see cref="Bpic2013"/> and <see cref="Helpdesk2017"/>.
/// </summary>
public sealed class EventLogMapping
{
    /// <summary>A short name of the source; ticket and command ids derive from it, so keep it stable across runs. Required.</summary>
    public string Source { get; set; } = "";

    /// <summary>The case id column. Required.</summary>
    public string CaseIdColumn { get; set; } = "";

    /// <summary>The timestamp column. Required.</summary>
    public string TimestampColumn { get; set; } = "";

    /// <summary>
    /// The NodaTime pattern of the timestamp. A pattern with an offset (<c>o&lt;G&gt;</c>) is read as an
    /// offset date-time; without, as a local date-time in <see cref="TimeZone"/>. Default: ISO 8601 with offset.
    /// </summary>
    public string TimestampPattern { get; set; } = "uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<G>";

    /// <summary>
    /// The zone of local timestamps; null (the default) takes the service desk's zone, the numbering
    /// zone of the importer's <see cref="Tickets.TicketServiceOptions"/> (UTC unless configured).
    /// </summary>
    public DateTimeZone? TimeZone { get; set; }

    /// <summary>The columns whose values, joined by <see cref="ActivitySeparator"/>, name the activity. Required.</summary>
    public IReadOnlyList<string> ActivityColumns { get; set; } = [];

    /// <summary>The separator between activity column values. Default <c>-</c>.</summary>
    public string ActivitySeparator { get; set; } = "-";

    /// <summary>What each activity means. An activity not listed is reported as a problem of its row.</summary>
    public IReadOnlyDictionary<string, ImportAction> Activities { get; set; } = new Dictionary<string, ImportAction>();

    /// <summary>The agent (resource) column, if any.</summary>
    public string? AgentColumn { get; set; }

    /// <summary>The team (support team / department) column, if any; a change of team is a transfer.</summary>
    public string? TeamColumn { get; set; }

    /// <summary>The support level column, if any; a higher level than before is an escalation.</summary>
    public string? LevelColumn { get; set; }

    /// <summary>Support level values and their escalation level (0 = front line).</summary>
    public IReadOnlyDictionary<string, int> Levels { get; set; } = new Dictionary<string, int>();

    /// <summary>The product column, if any.</summary>
    public string? ProductColumn { get; set; }

    /// <summary>The customer column, if any (the value becomes the customer's name).</summary>
    public string? CustomerColumn { get; set; }

    /// <summary>The impact column, if any.</summary>
    public string? ImpactColumn { get; set; }

    /// <summary>Impact values and the assessment triage judges the priority on.</summary>
    public IReadOnlyDictionary<string, PriorityAssessment> Impacts { get; set; } = new Dictionary<string, PriorityAssessment>();

    /// <summary>A cell value that means "no value" in this file (ServiceNow exports write <c>?</c>); such cells read as empty. Null: only empty cells are empty.</summary>
    public string? NullToken { get; set; }

    /// <summary>Whether activity names must match <see cref="Activities"/> case for case. Default false: matched ignoring case.</summary>
    public bool CaseSensitiveActivities { get; set; }

    /// <summary>The category of imported tickets. Default product fault.</summary>
    public TicketCategory Category { get; set; } = TicketCategory.ProductFault;

    /// <summary>The channel of imported tickets. Default <c>unknown</c>.</summary>
    public ServiceChannel Channel { get; set; } = new("unknown");

    /// <summary>
    /// The BPI Challenge 2013 Volvo IT incident log: case <c>SR Number</c>; time <c>Change Date+Time</c>
    /// (ISO with offset); activity <c>Status-Sub Status</c>; agent <c>Resource</c>; team
    /// <c>Involved ST</c> (a change is a transfer); level <c>ST Level</c> (L1 front line, L2 = 1,
    /// L3 = 2: a rise is an escalation); impact <c>SR Latest Impact</c> (Major → P0, High → P1,
    /// Medium → P2, Low → P3); product <c>Product</c>. Accepted-In Progress takes the ticket in charge
    /// (the first one is the first response; after a resolution it reopens); Accepted-Assigned
    /// assigns; Wait - User and Wait - Customer wait on the customer (other waits — vendor,
    /// implementation — do not pause the clock); Completed-Resolved and Completed-In Call resolve;
    /// Completed-Closed closes upstream; Completed-Cancelled cancels; Queued and Unmatched rows change
    /// nothing but the team and level they carry.
    /// </summary>
    public static EventLogMapping Bpic2013 => new()
    {
        Source = "bpic2013",
        CaseIdColumn = "SR Number",
        TimestampColumn = "Change Date+Time",
        ActivityColumns = ["Status", "Sub Status"],
        Activities = new Dictionary<string, ImportAction>(StringComparer.OrdinalIgnoreCase)
        {
            ["Accepted-In Progress"] = ImportAction.TakeInCharge,
            ["Accepted-Assigned"] = ImportAction.Assign,
            ["Accepted-Wait - User"] = ImportAction.AwaitCustomer,
            ["Accepted-Wait - Customer"] = ImportAction.AwaitCustomer,
            ["Accepted-Wait"] = ImportAction.Ignore,
            ["Accepted-Wait - Implementation"] = ImportAction.Ignore,
            ["Accepted-Wait - Vendor"] = ImportAction.Ignore,
            ["Queued-Awaiting Assignment"] = ImportAction.Ignore,
            ["Completed-Resolved"] = ImportAction.Resolve,
            ["Completed-In Call"] = ImportAction.Resolve,
            ["Completed-Closed"] = ImportAction.Close,
            ["Completed-Cancelled"] = ImportAction.Cancel,
            ["Unmatched-Unmatched"] = ImportAction.Ignore,
        },
        AgentColumn = "Resource",
        TeamColumn = "Involved ST",
        LevelColumn = "ST Level",
        Levels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["L1"] = 0, ["L2"] = 1, ["L2/L3"] = 1, ["L3"] = 2 },
        ProductColumn = "Product",
        ImpactColumn = "SR Latest Impact",
        Impacts = new Dictionary<string, PriorityAssessment>(StringComparer.OrdinalIgnoreCase)
        {
            ["Major"] = new() { Severity = Severity.CoreFunction, ImpactScope = ImpactScope.ManyCustomers },
            ["High"] = new() { Severity = Severity.CoreFunction },
            ["Medium"] = new() { Severity = Severity.SecondaryFunction },
            ["Low"] = new() { Severity = Severity.Cosmetic },
        },
    };

    /// <summary>
    /// The 2017 helpdesk log of an Italian software company: case <c>Case ID</c>; time
    /// <c>Complete Timestamp</c> (<c>uuuu/MM/dd HH:mm:ss.fff</c>, local time, read in Europe/Rome);
    /// activity <c>Activity</c>; agent <c>Resource</c>; customer <c>customer</c>; product <c>product</c>.
    /// Insert ticket registers; Assign seriousness triages (the anonymised seriousness values carry no
    /// order, so priority falls back to P3); Take in charge ticket takes it in charge (the first one is
    /// the first response; another resource later is a transfer); Wait waits on the customer;
    /// Require upgrade escalates one level; Resolve ticket resolves; Closed closes upstream; the
    /// software-anomaly, intervention and verification activities change nothing.
    /// </summary>
    public static EventLogMapping Helpdesk2017 => new()
    {
        Source = "helpdesk2017",
        CaseIdColumn = "Case ID",
        TimestampColumn = "Complete Timestamp",
        TimestampPattern = "uuuu'/'MM'/'dd HH':'mm':'ss.fff",
        TimeZone = DateTimeZoneProviders.Tzdb["Europe/Rome"],
        ActivityColumns = ["Activity"],
        Activities = new Dictionary<string, ImportAction>(StringComparer.OrdinalIgnoreCase)
        {
            ["Insert ticket"] = ImportAction.Register,
            ["Assign seriousness"] = ImportAction.Triage,
            ["Take in charge ticket"] = ImportAction.TakeInCharge,
            ["Wait"] = ImportAction.AwaitCustomer,
            ["Require upgrade"] = ImportAction.Escalate,
            ["Resolve ticket"] = ImportAction.Resolve,
            ["Closed"] = ImportAction.Close,
            ["Create SW anomaly"] = ImportAction.Ignore,
            ["Resolve SW anomaly"] = ImportAction.Ignore,
            ["Schedule intervention"] = ImportAction.Ignore,
            ["VERIFIED"] = ImportAction.Ignore,
            ["RESOLVED"] = ImportAction.Ignore,
            ["INVALID"] = ImportAction.Ignore,
            ["DUPLICATE"] = ImportAction.Ignore,
        },
        AgentColumn = "Resource",
        CustomerColumn = "customer",
        ProductColumn = "product",
    };

    /// <summary>Every column the mapping reads (each must be in the file's header).</summary>
    internal IEnumerable<string> MappedColumns() =>
        new[] { CaseIdColumn, TimestampColumn }.Concat(ActivityColumns)
            .Concat(new[] { AgentColumn, TeamColumn, LevelColumn, ProductColumn, CustomerColumn, ImpactColumn }.OfType<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks the mapping, listing every problem with its property name.</summary>
    /// <exception cref="QualityValidationException">A required column or the source is missing, or the timestamp pattern is invalid.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        void Required(string? value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new ValidationError(name, "is required and must not be empty."));
            }
        }

        Required(Source, nameof(Source));
        Required(CaseIdColumn, nameof(CaseIdColumn));
        Required(TimestampColumn, nameof(TimestampColumn));
        if (ActivityColumns is null || ActivityColumns.Count == 0 || ActivityColumns.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(new ValidationError(nameof(ActivityColumns), "needs at least one column name, none empty."));
        }

        if (Activities is null || Activities.Count == 0)
        {
            errors.Add(new ValidationError(nameof(Activities), "needs at least one activity."));
        }

        try
        {
            _ = TimestampParser.Create(TimestampPattern, TimeZone ?? DateTimeZone.Utc);
        }
        catch (Exception ex) when (ex is ArgumentException or NodaTime.Text.InvalidPatternException)
        {
            errors.Add(new ValidationError(nameof(TimestampPattern), $"'{TimestampPattern}' is not a NodaTime date-time pattern: {ex.Message}"));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(EventLogMapping), errors);
        }
    }
}

/// <summary>Parses timestamps with or without an offset.</summary>
internal sealed class TimestampParser
{
    private readonly Func<string, NodaTime.Text.ParseResult<Instant>> parse;

    private TimestampParser(Func<string, NodaTime.Text.ParseResult<Instant>> parse) => this.parse = parse;

    public static TimestampParser Create(string pattern, DateTimeZone zone)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ArgumentException("The timestamp pattern is empty.", nameof(pattern));
        }

        if (pattern.Contains('o', StringComparison.Ordinal))
        {
            var offset = NodaTime.Text.OffsetDateTimePattern.CreateWithInvariantCulture(pattern);
            return new TimestampParser(text => offset.Parse(text).Convert(o => o.ToInstant()));
        }

        var local = NodaTime.Text.LocalDateTimePattern.CreateWithInvariantCulture(pattern);
        return new TimestampParser(text => local.Parse(text).Convert(l => l.InZoneLeniently(zone).ToInstant()));
    }

    public bool TryParse(string text, out Instant instant, out string? error)
    {
        var result = parse(text);
        instant = result.Success ? result.Value : default;
        error = result.Success ? null : result.Exception.Message;
        return result.Success;
    }
}
