namespace AfterSales.Quality.Prioritization;

/// <summary>Well-known department names used by the default routing table.</summary>
public static class Departments
{
    /// <summary>Technical support: P0/P1 product faults.</summary>
    public const string TechnicalSupport = "technical-support";

    /// <summary>The service supervisor: service-experience problems and complaints.</summary>
    public const string ServiceSupervisor = "service-supervisor";

    /// <summary>The product manager: suggestions and requirements.</summary>
    public const string ProductManager = "product-manager";

    /// <summary>The after-sales service desk: everything no other rule routes.</summary>
    public const string AfterSalesService = "after-sales-service";
}

/// <summary>Where a ticket is routed.</summary>
public sealed record Route
{
    /// <summary>The department that owns the ticket.</summary>
    public string Department { get; init; } = Departments.AfterSalesService;

    /// <summary>The queue inside the department, if the host uses queues.</summary>
    public string? Queue { get; init; }

    /// <summary>
    /// The first responsible person: for work that crosses departments, the one person accountable
    /// for the outcome. <see langword="null"/> when the department's own lead is.
    /// </summary>
    public string? FirstResponsiblePerson { get; init; }
}

/// <summary>
/// One row of the routing table: tickets whose category and priority match go to <see cref="Route"/>.
/// Conditions left empty match anything. Immutable.
/// </summary>
public sealed record RoutingRule
{
    /// <summary>A short name recorded with the triage decision.</summary>
    public string Name { get; init; } = "";

    /// <summary>The categories that match; empty means every category.</summary>
    public IReadOnlyList<TicketCategory> Categories { get; init; } = [];

    /// <summary>The priorities that match; empty means every priority.</summary>
    public IReadOnlyList<Priority> Priorities { get; init; } = [];

    /// <summary>Where matching tickets go.</summary>
    public Route Route { get; init; } = new();

    /// <summary>Whether the rule matches.</summary>
    /// <param name="category">The ticket's category.</param>
    /// <param name="priority">The ticket's priority.</param>
    /// <returns><see langword="true"/> when every set condition holds.</returns>
    public bool Matches(TicketCategory category, Priority priority) =>
        (Categories.Count == 0 || Categories.Contains(category))
        && (Priorities.Count == 0 || Priorities.Contains(priority));
}

/// <summary>
/// The routing table: category × priority → department / queue and first responsible person.
/// First match wins; <see cref="Fallback"/> when none matches. Immutable and thread-safe.
/// </summary>
public sealed record RoutingTable
{
    /// <summary>
    /// The defaults from the guides: P0/P1 product faults → technical support; service experience →
    /// service supervisor; suggestions → product manager; complaints → service supervisor (the
    /// negative-feedback owner); everything else → the after-sales service desk.
    /// </summary>
    public static RoutingTable Default { get; } = new()
    {
        Rules =
        [
            new() { Name = "urgent-product-fault", Categories = [TicketCategory.ProductFault], Priorities = [Priority.P0, Priority.P1], Route = new() { Department = Departments.TechnicalSupport } },
            new() { Name = "service-experience", Categories = [TicketCategory.ServiceExperience], Route = new() { Department = Departments.ServiceSupervisor } },
            new() { Name = "suggestion", Categories = [TicketCategory.Suggestion], Route = new() { Department = Departments.ProductManager } },
            new() { Name = "complaint", Categories = [TicketCategory.Complaint], Route = new() { Department = Departments.ServiceSupervisor } },
        ],
        Fallback = new() { Department = Departments.AfterSalesService },
    };

    /// <summary>The rules, tried in order.</summary>
    public IReadOnlyList<RoutingRule> Rules { get; init; } = [];

    /// <summary>The route when no rule matches.</summary>
    public Route Fallback { get; init; } = new();

    /// <summary>Routes a ticket.</summary>
    /// <param name="category">The ticket's category.</param>
    /// <param name="priority">The ticket's priority.</param>
    /// <returns>The route and the name of the rule that chose it (<c>fallback</c> when none matched).</returns>
    public (Route Route, string Rule) RouteFor(TicketCategory category, Priority priority)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(category, priority))
            {
                return (rule.Route, rule.Name);
            }
        }

        return (Fallback, "fallback");
    }

    /// <summary>Checks the table and throws one exception listing every problem.</summary>
    /// <exception cref="QualityValidationException">A rule has no name or no department.</exception>
    public void Validate()
    {
        var errors = new ValidationCollector(nameof(RoutingTable));
        Validate(errors, nameof(RoutingTable));
        errors.ThrowIfAny();
    }

    internal void Validate(ValidationCollector errors, string prefix)
    {
        errors.NamedItems(Rules, $"{prefix}.{nameof(Rules)}", "rule", item => item.Name, (rule, field) =>
        {
            if (rule.Categories is null)
            {
                errors.Add($"{field}.{nameof(RoutingRule.Categories)}", "must not be null; leave it empty to match every category.");
            }

            if (rule.Priorities is null)
            {
                errors.Add($"{field}.{nameof(RoutingRule.Priorities)}", "must not be null; leave it empty to match every priority.");
            }
            else
            {
                foreach (var priority in rule.Priorities.Where(p => !p.IsDefined()))
                {
                    errors.Add($"{field}.{nameof(RoutingRule.Priorities)}", $"'{(int)priority}' is not a priority (P0-P3).");
                }
            }

            ValidateRoute(errors, rule.Route, $"{field}.{nameof(RoutingRule.Route)}");
        });

        ValidateRoute(errors, Fallback, $"{prefix}.{nameof(Fallback)}");
    }

    private static void ValidateRoute(ValidationCollector errors, Route? route, string field)
    {
        if (route is null)
        {
            errors.Add(field, "is required.");
            return;
        }

        errors.Required(route.Department, $"{field}.{nameof(Route.Department)}");
    }
}
