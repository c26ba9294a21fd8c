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

    /// <summary>
    /// For exports with one row per ticket (Zendesk, Jira): columns holding the time of an event and the
    /// action each is, imported as that case's events in time order (an empty cell: the event did not
    /// happen). With <see cref="ActivityColumns"/> too, the row's activity (its status) is one more event
    /// at <see cref="TimestampColumn"/>. A case key may then appear on one row only.
    /// </summary>
    public IReadOnlyList<EventColumn> EventColumns { get; set; } = [];

    /// <summary>The columns whose values, joined by <see cref="ActivitySeparator"/>, name the activity. Required unless <see cref="EventColumns"/> are set.</summary>
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

    /// <summary>
    /// Columns whose values, joined by <c>|</c>, are looked up in <see cref="Assessments"/> to give the
    /// case's <see cref="PriorityAssessment"/> (ServiceNow: <c>impact</c> and <c>urgency</c>). When the
    /// values change mid-case, the priority is judged again by the importer's rule table and, if it
    /// differs, recorded as a priority change with the row's line. Empty: <see cref="ImpactColumn"/>.
    /// </summary>
    public IReadOnlyList<string> AssessmentColumns { get; set; } = [];

    /// <summary>The assessment for each combination of <see cref="AssessmentColumns"/> values, joined by <c>|</c> (e.g. <c>1 - High|2 - Medium</c>).</summary>
    public IReadOnlyDictionary<string, PriorityAssessment> Assessments { get; set; } = new Dictionary<string, PriorityAssessment>();

    /// <summary>The channel column, if any (the channel of a case is its first row's value).</summary>
    public string? ChannelColumn { get; set; }

    /// <summary>Channel values and the channel each means; a value not listed is used as the channel's name. Without a column, every case has <see cref="Channel"/>.</summary>
    public IReadOnlyDictionary<string, ServiceChannel> Channels { get; set; } = new Dictionary<string, ServiceChannel>();

    /// <summary>
    /// An ordering column (ServiceNow <c>sys_mod_count</c>, a whole number per update): a case's rows
    /// are ordered by it before the timestamp, so a stale row stamped after a resolution within the
    /// same minute does not reopen the ticket.
    /// </summary>
    public string? OrderColumn { get; set; }

    /// <summary>The column holding when the case was opened, if any: it overrides the first row's time as the registration instant (ServiceNow <c>opened_at</c>, which precedes the first audit row).</summary>
    public string? OpenedAtColumn { get; set; }

    /// <summary>The column holding the authoritative resolution instant, if any (ServiceNow <c>resolved_at</c>): a resolution happens then instead of at its row's time.</summary>
    public string? ResolvedAtColumn { get; set; }

    /// <summary>The column holding the closure instant, if any (ServiceNow <c>closed_at</c>): a closure happens then instead of at its row's time.</summary>
    public string? ClosedAtColumn { get; set; }

    /// <summary>The figures the export carries per case and the column of each, for <see cref="EventLogImporter.ReconcileAsync"/>; a case's last row holds its value.</summary>
    public IReadOnlyDictionary<SourceFigure, string> ReconciledFigures { get; set; } = new Dictionary<SourceFigure, string>();

    /// <summary>The export's priority values and the library priority each means, for reconciling <see cref="SourceFigure.FinalPriority"/>.</summary>
    public IReadOnlyDictionary<string, Priority> PriorityValues { get; set; } = new Dictionary<string, Priority>();

    /// <summary>A cell value that means "no value" in this file (ServiceNow exports write <c>?</c>); such cells read as empty. Null: only empty cells are empty.</summary>
    public string? NullToken { get; set; }

    /// <summary>Whether activity names must match <see cref="Activities"/> case for case. Default false: matched ignoring case.</summary>
    public bool CaseSensitiveActivities { get; set; }

    /// <summary>
    /// Whether a case whose last lifecycle row is a <see cref="ImportAction.Close"/> is closed by its source
    /// (<c>CloseTicket.ClosedBySource</c>: the reason recorded, no revisit, left out of the revisit KPIs).
    /// Default true; false leaves it resolved awaiting a revisit in this system.
    /// </summary>
    public bool CloseBySource { get; set; } = true;

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

    /// <summary>
    /// A ServiceNow incident audit export (one row per update of an incident, as in the public
    /// "incident management process enriched event log"): case <c>number</c>; time <c>sys_updated_at</c>
    /// (<c>d/M/yyyy HH:mm</c>, local, the desk's zone); ordering <c>sys_mod_count</c>; activity
    /// <c>incident_state</c>; agent <c>assigned_to</c>; team <c>assignment_group</c> (a change is a
    /// transfer); channel <c>contact_type</c> (Phone, Email, Self service, IVR, Direct opening); opened /
    /// resolved / closed at <c>opened_at</c>, <c>resolved_at</c>, <c>closed_at</c>; customer
    /// <c>caller_id</c>; product <c>cmdb_ci</c>; null token <c>?</c>. Priority from <c>impact</c> ×
    /// <c>urgency</c> (<c>1 - High</c>, <c>2 - Medium</c>, <c>3 - Low</c>), re-judged when they change:
    /// the nine assessments are chosen so the default rule table gives the ITIL 3×3 matrix
    /// (1/1 → P0; 1/2, 2/1 → P1; 1/3, 2/2, 3/1 → P2; 2/3, 3/2, 3/3 → P3 — ServiceNow's Critical, High,
    /// Moderate, Low). States: New registers; Active works (after Resolved it reopens); Awaiting User Info
    /// waits on the customer (pauses the clock); Awaiting Vendor / Problem / Evidence are internal waits
    /// (the clock runs); Resolved resolves; Closed closes upstream; <c>-100</c> (a placeholder state of
    /// the export) is ignored.
    /// </summary>
    public static EventLogMapping ServiceNow => new()
    {
        Source = "servicenow",
        CaseIdColumn = "number",
        TimestampColumn = "sys_updated_at",
        TimestampPattern = "d'/'M'/'uuuu HH':'mm",
        OrderColumn = "sys_mod_count",
        ActivityColumns = ["incident_state"],
        Activities = new Dictionary<string, ImportAction>(StringComparer.OrdinalIgnoreCase)
        {
            ["New"] = ImportAction.Register,
            ["Active"] = ImportAction.StartWork,
            ["Awaiting User Info"] = ImportAction.AwaitCustomer,
            ["Awaiting Vendor"] = ImportAction.Ignore,
            ["Awaiting Problem"] = ImportAction.Ignore,
            ["Awaiting Evidence"] = ImportAction.Ignore,
            ["Resolved"] = ImportAction.Resolve,
            ["Closed"] = ImportAction.Close,
            ["-100"] = ImportAction.Ignore,
        },
        AgentColumn = "assigned_to",
        TeamColumn = "assignment_group",
        ChannelColumn = "contact_type",
        Channels = new Dictionary<string, ServiceChannel>(StringComparer.OrdinalIgnoreCase)
        {
            ["Phone"] = ServiceChannel.Phone,
            ["Email"] = ServiceChannel.Email,
            ["Self service"] = new("self-service"),
            ["IVR"] = new("ivr"),
            ["Direct opening"] = new("walk-in"),
        },
        OpenedAtColumn = "opened_at",
        ResolvedAtColumn = "resolved_at",
        ClosedAtColumn = "closed_at",
        CustomerColumn = "caller_id",
        ProductColumn = "cmdb_ci",
        NullToken = "?",
        AssessmentColumns = ["impact", "urgency"],
        Assessments = ItilMatrix(),
        ReconciledFigures = new Dictionary<SourceFigure, string>
        {
            [SourceFigure.ReopenCount] = "reopen_count",
            [SourceFigure.ReassignmentCount] = "reassignment_count",
            [SourceFigure.MadeSla] = "made_sla",
            [SourceFigure.FinalPriority] = "priority",
        },
        PriorityValues = new Dictionary<string, Priority>(StringComparer.OrdinalIgnoreCase)
        {
            ["1 - Critical"] = Priority.P0, ["2 - High"] = Priority.P1, ["3 - Moderate"] = Priority.P2, ["4 - Low"] = Priority.P3, ["5 - Planning"] = Priority.P3,
        },
    };

    /// <summary>
    /// A Zendesk ticket export (CSV, one row per ticket, as the Zendesk Support export and the Explore
    /// "Tickets" dataset write it; the column names are our reading of Zendesk's documentation, see
    /// docs/import.md): case <c>Id</c>; events <c>Created at</c> (registers), <c>Initially assigned at</c>
    /// and <c>Assigned at</c> (assign), <c>Solved at</c> (resolves); the row's <c>Status</c> at
    /// <c>Updated at</c> — Open works (after a solve it reopens), Pending waits on the requester (pauses
    /// the clock), On-hold is an internal wait (the clock runs), Solved resolves, Closed closes upstream,
    /// New changes nothing; times <c>uuuu-MM-dd HH:mm:ss</c> in the desk's zone; agent <c>Assignee</c>;
    /// team <c>Group</c>; customer <c>Requester</c>; channel <c>Via</c>; priority <c>Priority</c>
    /// (Urgent → P0, High → P1, Normal → P2, Low → P3). Reconciles <c>Reopens</c> and the final
    /// <c>Priority</c>. A one-row export carries no intermediate events, so a ticket reopened and solved
    /// again shows fewer reopens than <c>Reopens</c>: the reconciliation names those tickets.
    /// </summary>
    public static EventLogMapping Zendesk => new()
    {
        Source = "zendesk",
        CaseIdColumn = "Id",
        TimestampColumn = "Updated at",
        TimestampPattern = "uuuu'-'MM'-'dd HH':'mm':'ss",
        EventColumns =
        [
            new("Created at", ImportAction.Register),
            new("Initially assigned at", ImportAction.Assign),
            new("Assigned at", ImportAction.Assign),
            new("Solved at", ImportAction.Resolve),
        ],
        ActivityColumns = ["Status"],
        Activities = new Dictionary<string, ImportAction>(StringComparer.OrdinalIgnoreCase)
        {
            ["New"] = ImportAction.Ignore,
            ["Open"] = ImportAction.StartWork,
            ["Pending"] = ImportAction.AwaitCustomer,
            ["On-hold"] = ImportAction.Ignore,
            ["Hold"] = ImportAction.Ignore,
            ["Solved"] = ImportAction.Resolve,
            ["Closed"] = ImportAction.Close,
        },
        AgentColumn = "Assignee",
        TeamColumn = "Group",
        CustomerColumn = "Requester",
        ChannelColumn = "Via",
        Channels = new Dictionary<string, ServiceChannel>(StringComparer.OrdinalIgnoreCase)
        {
            ["Web form"] = ServiceChannel.WebForm,
            ["Web Widget"] = ServiceChannel.WebForm,
            ["Email"] = ServiceChannel.Email,
            ["Mail"] = ServiceChannel.Email,
            ["Chat"] = ServiceChannel.OnlineChat,
            ["Messaging"] = ServiceChannel.OnlineChat,
            ["Phone call (incoming)"] = ServiceChannel.Phone,
            ["Phone call (outgoing)"] = ServiceChannel.Phone,
            ["Voicemail"] = ServiceChannel.Phone,
            ["Mobile SDK"] = ServiceChannel.App,
            ["Twitter"] = ServiceChannel.SocialMedia,
            ["Facebook"] = ServiceChannel.SocialMedia,
            ["Web service (API)"] = new("api"),
        },
        ImpactColumn = "Priority",
        Impacts = FourLevels("Urgent", "High", "Normal", "Low"),
        ReconciledFigures = new Dictionary<SourceFigure, string> { [SourceFigure.ReopenCount] = "Reopens", [SourceFigure.FinalPriority] = "Priority" },
        PriorityValues = new Dictionary<string, Priority>(StringComparer.OrdinalIgnoreCase) { ["Urgent"] = Priority.P0, ["High"] = Priority.P1, ["Normal"] = Priority.P2, ["Low"] = Priority.P3 },
    };

    /// <summary>
    /// A Jira Service Management issue export (CSV from the issue navigator, "Export → CSV (all
    /// fields)", one row per issue; column names as Jira writes them, see docs/import.md): case
    /// <c>Issue key</c>; events <c>Created</c> (registers) and <c>Resolved</c> (resolves); the row's
    /// <c>Status</c> at <c>Updated</c> — In Progress / Work in progress works (after a resolution it
    /// reopens), Waiting for customer / Pending waits on the customer (pauses the clock), Escalated
    /// escalates, Resolved / Done resolves, Closed closes upstream, Canceled / Declined cancels, Open /
    /// Waiting for support / To Do change nothing; times <c>dd/MMM/yy h:mm tt</c> (Jira's default, e.g.
    /// <c>12/Mar/24 10:15 AM</c>) in the desk's zone; agent <c>Assignee</c>; customer <c>Reporter</c>;
    /// product <c>Custom field (Request Type)</c>; channel <c>web-portal</c>; priority <c>Priority</c>
    /// (Highest → P0, High → P1, Medium → P2, Low and Lowest → P3). Reconciles the final <c>Priority</c>
    /// (a standard export carries no reopen or reassignment count).
    /// </summary>
    public static EventLogMapping JiraServiceManagement => new()
    {
        Source = "jira-sm",
        CaseIdColumn = "Issue key",
        TimestampColumn = "Updated",
        TimestampPattern = "dd'/'MMM'/'yy h':'mm tt",
        EventColumns = [new("Created", ImportAction.Register), new("Resolved", ImportAction.Resolve)],
        ActivityColumns = ["Status"],
        Activities = new Dictionary<string, ImportAction>(StringComparer.OrdinalIgnoreCase)
        {
            ["Open"] = ImportAction.Ignore,
            ["To Do"] = ImportAction.Ignore,
            ["Waiting for support"] = ImportAction.Ignore,
            ["In Progress"] = ImportAction.StartWork,
            ["Work in progress"] = ImportAction.StartWork,
            ["Waiting for customer"] = ImportAction.AwaitCustomer,
            ["Pending"] = ImportAction.AwaitCustomer,
            ["Escalated"] = ImportAction.Escalate,
            ["Resolved"] = ImportAction.Resolve,
            ["Done"] = ImportAction.Resolve,
            ["Closed"] = ImportAction.Close,
            ["Canceled"] = ImportAction.Cancel,
            ["Cancelled"] = ImportAction.Cancel,
            ["Declined"] = ImportAction.Cancel,
        },
        AgentColumn = "Assignee",
        CustomerColumn = "Reporter",
        ProductColumn = "Custom field (Request Type)",
        Channel = new("web-portal"),
        ImpactColumn = "Priority",
        Impacts = new Dictionary<string, PriorityAssessment>(FourLevels("Highest", "High", "Medium", "Low"), StringComparer.OrdinalIgnoreCase) { ["Lowest"] = new() { Severity = Severity.Cosmetic } },
        ReconciledFigures = new Dictionary<SourceFigure, string> { [SourceFigure.FinalPriority] = "Priority" },
        PriorityValues = new Dictionary<string, Priority>(StringComparer.OrdinalIgnoreCase) { ["Highest"] = Priority.P0, ["High"] = Priority.P1, ["Medium"] = Priority.P2, ["Low"] = Priority.P3, ["Lowest"] = Priority.P3 },
    };

    /// <summary>Every column the mapping reads (each must be in the file's header).</summary>
    internal IEnumerable<string> MappedColumns() =>
        new[] { CaseIdColumn }.Concat(ActivityColumns.Count > 0 ? [TimestampColumn] : []).Concat(ActivityColumns).Concat(EventColumns.Select(e => e.Column))
            .Concat(AssessmentColumns ?? [])
            .Concat(new[] { AgentColumn, TeamColumn, LevelColumn, ProductColumn, CustomerColumn, ImpactColumn, ChannelColumn, OrderColumn, OpenedAtColumn, ResolvedAtColumn, ClosedAtColumn }.OfType<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Four priority names, most urgent first, as assessments the default rule table judges P0, P1, P2, P3.</summary>
    private static Dictionary<string, PriorityAssessment> FourLevels(string p0, string p1, string p2, string p3) => new(StringComparer.OrdinalIgnoreCase)
    {
        [p0] = new() { Severity = Severity.CoreFunction, ImpactScope = ImpactScope.ManyCustomers },
        [p1] = new() { Severity = Severity.CoreFunction },
        [p2] = new() { Severity = Severity.SecondaryFunction },
        [p3] = new() { Severity = Severity.Cosmetic },
    };

    private static Dictionary<string, PriorityAssessment> ItilMatrix()
    {
        string[] levels = ["1 - High", "2 - Medium", "3 - Low"];
        var scopes = new[] { ImpactScope.ManyCustomers, ImpactScope.SeveralCustomers, ImpactScope.SingleCustomer };
        var urgencies = new[] { Urgency.UseBlocked, Urgency.UseDegraded, Urgency.UseNotAffected };
        var matrix = new Dictionary<string, PriorityAssessment>(StringComparer.OrdinalIgnoreCase);
        for (var impact = 0; impact < 3; impact++)
        {
            for (var urgency = 0; urgency < 3; urgency++)
            {
                // ITIL: priority = impact + urgency (2 → P0 … 5, 6 → P3). The default rule table reads the severity,
                // so the severity carries the matrix; scope and urgency say what they can without outranking it.
                var assessment = (impact + urgency) switch
                {
                    0 => new PriorityAssessment { Severity = Severity.CoreFunction, ImpactScope = ImpactScope.ManyCustomers, Urgency = Urgency.UseBlocked },
                    1 => new PriorityAssessment { Severity = Severity.CoreFunction, ImpactScope = ImpactScope.SeveralCustomers, Urgency = urgencies[urgency] },
                    2 => new PriorityAssessment { Severity = Severity.SecondaryFunction, ImpactScope = scopes[Math.Max(impact, 1)], Urgency = urgency == 0 ? Urgency.UseDegraded : urgencies[urgency] },
                    _ => new PriorityAssessment { Severity = Severity.Cosmetic, ImpactScope = scopes[Math.Max(impact, 1)], Urgency = urgencies[urgency] },
                };
                matrix[$"{levels[impact]}|{levels[urgency]}"] = assessment;
            }
        }

        return matrix;
    }

    /// <summary>The assessment columns and their lookup: <see cref="AssessmentColumns"/>, else the single <see cref="ImpactColumn"/>.</summary>
    internal (string[] Columns, IReadOnlyDictionary<string, PriorityAssessment> Lookup) EffectiveAssessments() =>
        AssessmentColumns.Count > 0
            ? (AssessmentColumns.ToArray(), new Dictionary<string, PriorityAssessment>(Assessments, StringComparer.OrdinalIgnoreCase))
            : ImpactColumn is { } impact ? ([impact], new Dictionary<string, PriorityAssessment>(Impacts, StringComparer.OrdinalIgnoreCase)) : ([], new Dictionary<string, PriorityAssessment>());

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
        var wide = EventColumns is { Count: > 0 };
        if (EventColumns is null || EventColumns.Any(e => e is null || string.IsNullOrWhiteSpace(e.Column) || !Enum.IsDefined(e.Action)))
        {
            errors.Add(new ValidationError(nameof(EventColumns), "must not be null, and each needs a column name and a defined action."));
        }

        if (!wide || ActivityColumns is { Count: > 0 })
        {
            Required(TimestampColumn, nameof(TimestampColumn));
        }

        if (ActivityColumns is null || (!wide && ActivityColumns.Count == 0) || ActivityColumns.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(new ValidationError(nameof(ActivityColumns), wide ? "must not be null or hold an empty column name." : "needs at least one column name, none empty (or set EventColumns)."));
        }

        if (Activities is null || ((!wide || ActivityColumns is { Count: > 0 }) && Activities.Count == 0))
        {
            errors.Add(new ValidationError(nameof(Activities), "needs at least one activity."));
        }

        if (AssessmentColumns is null || AssessmentColumns.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(new ValidationError(nameof(AssessmentColumns), "must not be null or hold an empty column name."));
        }
        else if (AssessmentColumns.Count > 0 && (Assessments is null || Assessments.Count == 0))
        {
            errors.Add(new ValidationError(nameof(Assessments), $"needs the assessment of each combination of {string.Join(" | ", AssessmentColumns)}."));
        }
        else if (AssessmentColumns.Count > 0 && ImpactColumn is not null)
        {
            errors.Add(new ValidationError(nameof(ImpactColumn), $"and {nameof(AssessmentColumns)} are alternatives; set one."));
        }

        if (Assessments is not null)
        {
            foreach (var (key, assessment) in Assessments)
            {
                if (assessment is null || AssessmentColumns is { Count: > 0 } columns && key.Split('|').Length != columns.Count)
                {
                    errors.Add(new ValidationError($"{nameof(Assessments)}[{key}]", assessment is null ? "is null." : $"must join {AssessmentColumns!.Count} values with '|'."));
                }
            }
        }

        foreach (var (name, value) in new[] { (nameof(AgentColumn), AgentColumn), (nameof(TeamColumn), TeamColumn), (nameof(LevelColumn), LevelColumn), (nameof(ProductColumn), ProductColumn), (nameof(CustomerColumn), CustomerColumn), (nameof(ImpactColumn), ImpactColumn), (nameof(ChannelColumn), ChannelColumn), (nameof(OrderColumn), OrderColumn), (nameof(OpenedAtColumn), OpenedAtColumn), (nameof(ResolvedAtColumn), ResolvedAtColumn), (nameof(ClosedAtColumn), ClosedAtColumn) })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new ValidationError(name, "is empty: leave it null when the file has no such column."));
            }
        }

        if (ReconciledFigures is null || ReconciledFigures.Any(f => !Enum.IsDefined(f.Key) || string.IsNullOrWhiteSpace(f.Value)))
        {
            errors.Add(new ValidationError(nameof(ReconciledFigures), "must not be null, and each figure needs a defined figure and a column name."));
        }
        else if (ReconciledFigures.ContainsKey(SourceFigure.FinalPriority) && (PriorityValues is null || PriorityValues.Count == 0))
        {
            errors.Add(new ValidationError(nameof(PriorityValues), "needs the export's priority values to reconcile the final priority."));
        }

        if (Channels is null)
        {
            errors.Add(new ValidationError(nameof(Channels), "must not be null (leave it empty to use the values as channel names)."));
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

/// <summary>A column of a one-row-per-ticket export that holds the time of an event, and what the event is.</summary>
/// <param name="Column">The column (e.g. Zendesk <c>Solved at</c>).</param>
/// <param name="Action">What happened then.</param>
public sealed record EventColumn(string Column, ImportAction Action);
