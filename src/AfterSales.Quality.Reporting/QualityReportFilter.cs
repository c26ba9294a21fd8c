using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using NodaTime;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Narrows a report to some tickets: those received on the dates of <see cref="Period"/> (in the report's zone)
/// and matching every list that is not empty (a list matches a ticket holding any of its values). The report then
/// holds these tickets and everything that happened to them: their KPIs, revisits, feedback text, backlog and the
/// improvement plans linked to them. An empty filter keeps every ticket. Immutable; validated with the report's
/// options (<see cref="QualityReportOptions.Validate"/>).
/// </summary>
/// <example>
/// March, phone channel, P0 and P1 only:
/// <code>
/// new QualityReportFilter { Period = new DateInterval(new LocalDate(2024, 3, 1), new LocalDate(2024, 3, 31)), Channels = [ServiceChannel.Phone], Priorities = [Priority.P0, Priority.P1] }
/// </code>
/// </example>
public sealed record QualityReportFilter
{
    /// <summary>Only tickets received on these dates (both ends included) in the report's zone; null for every date.</summary>
    public DateInterval? Period { get; init; }

    /// <summary>Only tickets that came through these channels; empty for every channel.</summary>
    public IReadOnlyList<ServiceChannel> Channels { get; init; } = [];

    /// <summary>Only tickets of these priorities; empty for every priority (untriaged tickets included).</summary>
    public IReadOnlyList<Priority> Priorities { get; init; } = [];

    /// <summary>Only tickets of these categories (problem types); empty for every category.</summary>
    public IReadOnlyList<TicketCategory> Categories { get; init; } = [];

    /// <summary>Only tickets routed to these teams (departments, compared ordinally as the routing wrote them); empty for every team.</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];

    /// <summary>Only tickets about these product models (as the intake wrote them); empty for every product.</summary>
    public IReadOnlyList<string> Products { get; init; } = [];

    /// <summary>Whether the filter keeps every ticket.</summary>
    public bool IsEmpty => Period is null && Channels.Count == 0 && Priorities.Count == 0 && Categories.Count == 0 && Teams.Count == 0 && Products.Count == 0;

    /// <summary>Adds this filter's problems to a list, each named under a prefix (e.g. <c>Filter.Teams[1]</c>).</summary>
    internal void Validate(string prefix, List<ValidationError> errors)
    {
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(new ValidationError($"{prefix}.{field}", message));
            }
        }

        Check(Channels is not null, nameof(Channels), "must be set (empty for every channel)");
        Check(Priorities is not null, nameof(Priorities), "must be set (empty for every priority)");
        Check(Categories is not null, nameof(Categories), "must be set (empty for every category)");
        Check(Teams is not null, nameof(Teams), "must be set (empty for every team)");
        Check(Products is not null, nameof(Products), "must be set (empty for every product)");
        for (var i = 0; Priorities is not null && i < Priorities.Count; i++)
        {
            Check(Enum.IsDefined(Priorities[i]), $"{nameof(Priorities)}[{i}]", $"must be P0–P3; it was {(int)Priorities[i]}");
        }

        for (var i = 0; Teams is not null && i < Teams.Count; i++)
        {
            Check(!string.IsNullOrWhiteSpace(Teams[i]), $"{nameof(Teams)}[{i}]", "must not be blank");
        }

        for (var i = 0; Products is not null && i < Products.Count; i++)
        {
            Check(!string.IsNullOrWhiteSpace(Products[i]), $"{nameof(Products)}[{i}]", "must not be blank");
        }
    }

    /// <summary>The dimension filters as value names per dimension (empty lists left out).</summary>
    internal IEnumerable<(FactDimension Dimension, IReadOnlyList<string> Names)> DimensionNames()
    {
        if (Channels.Count > 0)
        {
            yield return (FactDimension.Channel, Channels.Select(c => c.Name).ToArray());
        }

        if (Priorities.Count > 0)
        {
            yield return (FactDimension.Priority, Priorities.Select(p => p.ToString()).ToArray());
        }

        if (Categories.Count > 0)
        {
            yield return (FactDimension.Category, Categories.Select(c => c.Name).ToArray());
        }

        if (Teams.Count > 0)
        {
            yield return (FactDimension.Team, Teams);
        }

        if (Products.Count > 0)
        {
            yield return (FactDimension.Product, Products);
        }
    }
}

/// <summary>One report of <see cref="QualityReportBuilder.BuildPerGroupAsync"/>: a group's value and its report.</summary>
/// <param name="Name">The group's value as the facts hold it (a team, a channel's name, a product model, a category's name, <c>P0</c>–<c>P3</c>); null for tickets without one (e.g. not yet routed).</param>
/// <param name="Report">The report of the group's tickets.</param>
public sealed record QualityReportSection(string? Name, QualityReport Report);
