using System.Globalization;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// What a report is built from, read from the store once: the KPI facts (refreshed projection), the revisits and the
/// feedback text of the feed with their tickets, the open work at the report's instant, and the plans. Reports of a
/// subset of the tickets (a filter, a group) select fact rows of it.
/// </summary>
internal sealed class ReportSource
{
    private ReportSource(QualityReportOptions options, SlaPolicySet policies, ImprovementPlan[] plans, Instant now, DateTimeZone zone, TicketFactProjection projection, CultureInfo culture)
    {
        Options = options;
        Policies = policies;
        Plans = plans;
        Now = now;
        Zone = zone;
        Projection = projection;
        Culture = culture;
        Text = ReportText.For(culture);
    }

    public QualityReportOptions Options { get; }

    public SlaPolicySet Policies { get; }

    public ImprovementPlan[] Plans { get; }

    public Instant Now { get; }

    public DateTimeZone Zone { get; }

    public TicketFactProjection Projection { get; }

    public FactTable Facts => Projection.Facts;

    public FactDimensions Dimensions => Projection.Dimensions;

    public CultureInfo Culture { get; }

    public ReportText Text { get; }

    public List<(TicketId TicketId, RevisitRow Row)> Revisits { get; } = [];

    public List<(TicketId TicketId, string Text)> Texts { get; private set; } = [];

    /// <summary>How the feedback text was read; null when no text was read (no <see cref="QualityReportOptions.TextAccess"/>).</summary>
    public ReportFreeTextRead? FreeText { get; private set; }

    /// <summary>The state of every ticket of the feed, for the access policy; only kept when the report reads text.</summary>
    private readonly Dictionary<TicketId, Ticket> states = [];

    /// <summary>Tickets whose customer data was erased: their text is never read (a store that keeps free text in clear still holds it).</summary>
    private readonly HashSet<TicketId> erased = [];

    public IReadOnlyList<OpenWorkItem> OpenWork { get; private set; } = [];

    public static async Task<ReportSource> ReadAsync(ITicketStore store, SlaPolicySet policies, IEnumerable<ImprovementPlan> plans, Instant now, QualityReportOptions? options, TicketFactProjection? projection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(plans);
        options ??= new QualityReportOptions();
        options.Validate();
        var planList = plans.ToArray();
        for (var i = 0; i < planList.Length; i++)
        {
            if (planList[i] is null)
            {
                throw new ArgumentException($"plans[{i}]: must not be null.", nameof(plans));
            }
        }

        var zone = options.TimeZone ?? projection?.Facts.TimeZone
            ?? (policies.Calendars.TryGetValue(SlaPolicySet.DefaultCalendarName, out var desk) && desk is not null ? desk.Zone : DateTimeZone.Utc);
        projection ??= new TicketFactProjection(store, policies, timeZone: zone);
        await projection.RefreshAsync(now, cancellationToken).ConfigureAwait(false);
        var source = new ReportSource(options, policies, planList, now, zone, projection, options.Culture ?? CultureInfo.CurrentUICulture);
        await source.ReadFeedAsync(store, projection.Position, cancellationToken).ConfigureAwait(false);
        return source;
    }

    /// <summary>Whether a ticket is in the selected rows (every ticket when <paramref name="selection"/> is null).</summary>
    public bool IsSelected(bool[]? selection, TicketId ticket) => selection is null || (Projection.TryGetRow(ticket, out var row) && row < selection.Length && selection[row]);

    /// <summary>
    /// Reads the feedback text of the selected tickets through the guard (<see cref="QualityReportOptions.TextAccess"/>):
    /// one decision per ticket with text, recorded before any text is used; the text of a ticket the policy denies is
    /// dropped from the keywords and the revisit suggestions. Without text access, no text is kept at all.
    /// </summary>
    public async Task ReadTextAsync(bool[]? selection, CancellationToken cancellationToken)
    {
        if (Options.TextAccess is not { } access)
        {
            return;
        }

        var withText = new HashSet<TicketId>();
        foreach (var (ticket, _) in Texts)
        {
            withText.Add(ticket);
        }

        foreach (var (ticket, row) in Revisits)
        {
            if (row.Suggestions is not null)
            {
                withText.Add(ticket);
            }
        }

        Ticket[] tickets = [.. withText.Where(t => IsSelected(selection, t) && states.ContainsKey(t)).Select(t => states[t])];
        var grant = await access.Guard.AuthorizeReadAsync(tickets, access.Reader, access.Purpose, PersonalDataAccessKind.Statistics, cancellationToken).ConfigureAwait(false);
        Texts = [.. Texts.Where(t => grant.IsAllowed(t.TicketId))];
        for (var i = 0; i < Revisits.Count; i++)
        {
            if (Revisits[i].Row.Suggestions is not null && !grant.IsAllowed(Revisits[i].TicketId))
            {
                Revisits[i] = (Revisits[i].TicketId, Revisits[i].Row with { Suggestions = null });
            }
        }

        FreeText = new ReportFreeTextRead(grant.AccessId, grant.Reader, grant.Purpose, grant.Allowed.Count, grant.Denied.Count);
    }

    /// <summary>The rows a filter keeps; null when it keeps every row (no filter, or an empty one).</summary>
    public bool[]? Select(QualityReportFilter? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return null;
        }

        var conditions = filter.DimensionNames().Select(d => (d.Dimension, Codes: Codes(d.Dimension, d.Names))).ToArray();
        var facts = Facts.Facts;
        var selected = new bool[facts.Length];
        for (var row = 0; row < facts.Length; row++)
        {
            var keep = filter.Period is not { } period || period.Contains(facts[row].ReceivedAt.InZone(Zone).Date);
            for (var c = 0; keep && c < conditions.Length; c++)
            {
                keep = conditions[c].Codes.Contains(CodeOf(facts[row], conditions[c].Dimension));
            }

            selected[row] = keep;
        }

        return selected;
    }

    /// <summary>The codes of the named values; a name no fact holds matches nothing (a filter for a team without tickets gives an empty report).</summary>
    private HashSet<int> Codes(FactDimension dimension, IReadOnlyList<string> names)
    {
        var codes = new HashSet<int>();
        foreach (var name in names)
        {
            if (Dimensions.TryGetCode(dimension, name, out var code))
            {
                codes.Add(code);
            }
        }

        return codes;
    }

    /// <summary>The single dimensions a report can be grouped by.</summary>
    public static readonly FactDimension[] SingleDimensions =
        [FactDimension.Team, FactDimension.Agent, FactDimension.Product, FactDimension.Channel, FactDimension.Category, FactDimension.Priority, FactDimension.Segment];

    /// <summary>A fact's code of one dimension, as the fact dictionaries and <see cref="FactDimensions.TryGetCode"/> give it.</summary>
    public static int CodeOf(in TicketFact fact, FactDimension dimension) => dimension switch
    {
        FactDimension.Team => fact.Team,
        FactDimension.Agent => fact.Agent,
        FactDimension.Product => fact.Product,
        FactDimension.Channel => fact.Channel,
        FactDimension.Category => fact.Category,
        FactDimension.Segment => fact.Segment,
        FactDimension.Priority => fact.Priority is { } p ? (int)p : 255,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension: must be exactly one dimension."),
    };

    /// <summary>A group's value by code; null for the "(none)" value of facts without one.</summary>
    public string? NameOf(FactDimension dimension, int code)
    {
        var name = Dimensions.NameOf(dimension, code);
        return name == "(none)" ? null : name;
    }

    /// <summary>The report's scope line: the filter's conditions and the group, in the report's language; null when the report holds every ticket.</summary>
    public string? Describe(QualityReportFilter? filter, (FactDimension Dimension, string? Name)? group)
    {
        var parts = new List<string>();
        if (filter?.Period is { } period)
        {
            parts.Add(Text.Format("Scope.Period", Text.Date(period.Start), Text.Date(period.End)));
        }

        foreach (var (dimension, names) in filter?.DimensionNames() ?? [])
        {
            parts.Add(Text.Format("Scope.Condition", Text.Dimension(dimension), string.Join(", ", names)));
        }

        if (group is { } g)
        {
            parts.Add(Text.Format("Scope.Condition", Text.Dimension(g.Dimension), g.Name ?? Text["Value.None"]));
        }

        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    private async Task ReadFeedAsync(ITicketStore store, long upTo, CancellationToken cancellationToken)
    {
        var feedbackNumbers = new Dictionary<TicketId, string>();
        var openWork = new OpenWorkProjection();
        var readsText = Options.TextAccess is not null;
        await foreach (var recorded in store.ReadFeedAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Position > upTo)
            {
                break;
            }

            await openWork.ApplyAsync(recorded, store, cancellationToken).ConfigureAwait(false); // takes back tickets a survey reopened after closure
            if (readsText)
            {
                var id = recorded.Event.TicketId;
                states[id] = (states.TryGetValue(id, out var state) ? state : Ticket.Empty(id)).Apply(recorded.Event);
            }

            switch (recorded.Event)
            {
                case TicketRegistered registered:
                    feedbackNumbers[registered.TicketId] = registered.FeedbackNumber;
                    AddText(registered.TicketId, registered.Intake.Description);
                    break;
                case RevisitRecorded revisit:
                    var suggestions = readsText && revisit.Suggestions != PersonalDataErased.Placeholder ? TextRedaction.Redact(revisit.Suggestions) : null;
                    Revisits.Add((revisit.TicketId, new RevisitRow(revisit.RevisitNumber, feedbackNumbers.GetValueOrDefault(revisit.TicketId, "?"), revisit.OccurredAt.InZone(Zone).LocalDateTime, revisit.Method, revisit.Resolved, revisit.Score, suggestions)));
                    AddText(revisit.TicketId, suggestions);
                    break;
                case SurveyAnswered survey:
                    AddText(survey.TicketId, TextRedaction.Redact(survey.Answers.Suggestion));
                    break;
                case PersonalDataErased erasure:
                    erased.Add(erasure.TicketId);
                    break;
            }
        }

        if (erased.Count > 0)
        {
            // Text read before the erasure event in the feed (a store that kept it in clear) is gone with the customer's data.
            Texts = [.. Texts.Where(t => !erased.Contains(t.TicketId))];
            for (var i = 0; i < Revisits.Count; i++)
            {
                if (erased.Contains(Revisits[i].TicketId))
                {
                    Revisits[i] = (Revisits[i].TicketId, Revisits[i].Row with { Suggestions = null });
                }
            }
        }

        OpenWork = openWork.Query(new OpenWorkQuery { Limit = Math.Max(1, Math.Min(100_000, openWork.Count)) });
    }

    private void AddText(TicketId ticketId, string? text)
    {
        if (Options.TextAccess is not null && !string.IsNullOrWhiteSpace(text) && text != PersonalDataErased.Placeholder)
        {
            Texts.Add((ticketId, TextRedaction.Redact(text)!));
        }
    }
}
