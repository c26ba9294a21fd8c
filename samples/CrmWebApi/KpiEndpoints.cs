using AfterSales.Quality;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace CrmWebApi;

/// <summary>GET /kpi (KPIs grouped by dimensions and period) and GET /kpi/measurement-table (actual vs target).</summary>
public static class KpiEndpoints
{
    private static readonly Dictionary<string, FactDimension> Dimensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["team"] = FactDimension.Team,
        ["agent"] = FactDimension.Agent,
        ["product"] = FactDimension.Product,
        ["channel"] = FactDimension.Channel,
        ["category"] = FactDimension.Category,
        ["priority"] = FactDimension.Priority,
        ["segment"] = FactDimension.Segment,
    };

    private static readonly Dictionary<string, KpiPeriod> Periods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = KpiPeriod.None,
        ["day"] = KpiPeriod.Day,
        ["week"] = KpiPeriod.IsoWeek,
        ["isoweek"] = KpiPeriod.IsoWeek,
        ["month"] = KpiPeriod.Month,
        ["quarter"] = KpiPeriod.Quarter,
        ["half-year"] = KpiPeriod.HalfYear,
        ["year"] = KpiPeriod.Year,
    };

    public static IEndpointRouteBuilder MapKpiEndpoints(this IEndpointRouteBuilder app)
    {
        var kpi = app.MapGroup("/kpi").WithTags("KPI");
        kpi.MapGet("/", QueryAsync);
        kpi.MapGet("/measurement-table", MeasurementTableAsync);
        return app;
    }

    private static async Task<IResult> QueryAsync(
        string? groupBy, string? period, string? from, string? to, string? timeZone, bool? percentiles,
        KpiReadModel model, IOptions<AfterSalesQualityOptions> options, CancellationToken ct)
    {
        var query = Parse(groupBy, period, from, to, timeZone, percentiles ?? false, options.Value);
        var result = await model.QueryAsync((projection, now) => new KpiResponse(
            now,
            Describe(query),
            KpiEngine.Aggregate(projection.Facts, query).Select(g => new KpiGroupView(KeyOf(g, projection.Dimensions), KpiCounts.From(g.Aggregate), g.Values)).ToArray()), ct);
        return Results.Ok(result);
    }

    private static async Task<IResult> MeasurementTableAsync(
        string? from, string? to, string? timeZone,
        KpiReadModel model, IOptions<AfterSalesQualityOptions> options, IOptions<CrmWebApiOptions> settings, CancellationToken ct)
    {
        var query = Parse(null, null, from, to, timeZone, percentiles: true, options.Value);
        var targets = settings.Value.KpiTargets.Select(t => t.ToTarget()).ToArray();
        var result = await model.QueryAsync((projection, now) =>
        {
            var aggregate = KpiEngine.Aggregate(projection.Facts, query).SingleOrDefault()?.Aggregate ?? new KpiAggregate();
            var values = aggregate.ToValues();
            var rows = KpiMeasurementTable.Build(aggregate, targets)
                .Select(r => new MeasurementRowView(r.Name, r.Formula, r.Source, r.Kpi.UnitLabel, r.Target.Direction, r.Target.Value, r.Actual, r.Met))
                .ToArray();
            return new MeasurementTableResponse(now, Describe(query), values.Tickets, rows);
        }, ct);
        return Results.Ok(result);
    }

    private static KpiQuery Parse(string? groupBy, string? period, string? from, string? to, string? timeZone, bool percentiles, AfterSalesQualityOptions options)
    {
        var errors = new List<ValidationError>();
        var dimensions = FactDimension.None;
        foreach (var name in (groupBy ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Dimensions.TryGetValue(name, out var dimension))
            {
                dimensions |= dimension;
            }
            else
            {
                errors.Add(new ValidationError("groupBy", $"'{name}' is not a dimension; use any of {string.Join(", ", Dimensions.Keys)} (comma-separated)."));
            }
        }

        var kpiPeriod = KpiPeriod.None;
        if (!string.IsNullOrWhiteSpace(period) && !Periods.TryGetValue(period.Trim(), out kpiPeriod))
        {
            errors.Add(new ValidationError("period", $"'{period}' is not a period; use one of {string.Join(", ", Periods.Keys)}."));
        }

        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? options.TimeZone : timeZone.Trim();
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zone is null)
        {
            errors.Add(new ValidationError("timeZone", $"'{zoneId}' is not an IANA time zone id (e.g. Asia/Shanghai, UTC)."));
        }

        var start = ParseBound(from, "from", zone, errors);
        var end = ParseBound(to, "to", zone, errors);
        if (start is { } s && end is { } e && e <= s)
        {
            errors.Add(new ValidationError("to", "must be after 'from'."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException("KPI query", errors);
        }

        return new KpiQuery { GroupBy = dimensions, Period = kpiPeriod, TimeZone = zone!, From = start, To = end, WithPercentiles = percentiles };
    }

    /// <summary>An instant (<c>2024-03-01T00:00:00Z</c>) or a date (<c>2024-03-01</c>, the start of that day in the query's zone).</summary>
    private static Instant? ParseBound(string? text, string field, DateTimeZone? zone, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (InstantPattern.ExtendedIso.Parse(text.Trim()) is { Success: true } instant)
        {
            return instant.Value;
        }

        if (OffsetDateTimePattern.ExtendedIso.Parse(text.Trim()) is { Success: true } offset)
        {
            return offset.Value.ToInstant();
        }

        if (LocalDatePattern.Iso.Parse(text.Trim()) is { Success: true } date)
        {
            return zone is null ? null : date.Value.AtStartOfDayInZone(zone).ToInstant();
        }

        errors.Add(new ValidationError(field, $"'{text}' is neither an ISO-8601 instant (2024-03-01T00:00:00Z) nor a date (2024-03-01)."));
        return null;
    }

    private static KpiQueryView Describe(KpiQuery query) => new(
        Dimensions.Where(d => query.GroupBy.HasFlag(d.Value)).Select(d => d.Key).ToArray(),
        query.Period == KpiPeriod.None ? null : query.Period.ToString(),
        query.From,
        query.To,
        query.TimeZone!.Id); // Parse always names the zone: the request's, else the desk's

    private static Dictionary<string, string> KeyOf(KpiGroup group, FactDimensions names)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, dimension) in Dimensions)
        {
            if (group.Label(dimension, names) is { } label)
            {
                result[name] = label;
            }
        }

        var key = group.Key;
        if (key.PeriodStart is { } periodStart)
        {
            result["periodStart"] = LocalDatePattern.Iso.Format(periodStart);
        }

        return result;
    }
}

/// <summary>The answer of GET /kpi.</summary>
public sealed record KpiResponse(Instant MeasuredAt, KpiQueryView Query, IReadOnlyList<KpiGroupView> Groups);

/// <summary>The query as understood.</summary>
public sealed record KpiQueryView(IReadOnlyList<string> GroupBy, string? Period, Instant? From, Instant? To, string TimeZone);

/// <summary>One group: its key (dimension names, <c>periodStart</c>), the counts behind the KPIs and the KPI values.</summary>
public sealed record KpiGroupView(IReadOnlyDictionary<string, string> Key, KpiCounts Counts, KpiValues Values);

/// <summary>The numerators and denominators of the KPIs of a group.</summary>
public sealed record KpiCounts(
    long Tickets, long Resolved, long FirstContactResolved, long Complaints, long Reopened, long Escalated,
    long Responded, long Handled, long FirstResponseSlaDue, long FirstResponseSlaMet, long ResolutionSlaDue, long ResolutionSlaMet,
    long RevisitsDue, long RevisitsOnTime, long CsatAnswers, long CsatSatisfied, long RecommendationAnswers, long Promoters, long Detractors,
    long EffortAnswers, long Inspected, long Accurate)
{
    public static KpiCounts From(KpiAggregate a) => new(
        a.Tickets, a.Resolved, a.FirstContactResolved, a.Complaints, a.Reopened, a.Escalated,
        a.Responded, a.Handled, a.FirstResponseSlaDue, a.FirstResponseSlaMet, a.ResolutionSlaDue, a.ResolutionSlaMet,
        a.RevisitsDue, a.RevisitsOnTime, a.CsatAnswers, a.CsatSatisfied, a.RecommendationAnswers, a.Promoters, a.Detractors,
        a.EffortAnswers, a.Inspected, a.Accurate);
}

/// <summary>The answer of GET /kpi/measurement-table.</summary>
public sealed record MeasurementTableResponse(Instant MeasuredAt, KpiQueryView Query, long Tickets, IReadOnlyList<MeasurementRowView> Rows);

/// <summary>A row of the KPI measurement table: metric, formula, data source, target, actual, met?</summary>
public sealed record MeasurementRowView(string Metric, string Formula, string Source, string Unit, TargetDirection Direction, double Target, double? Actual, bool? Met);
