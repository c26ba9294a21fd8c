namespace AfterSales.Quality.Prioritization;

/// <summary>
/// The priority rule table: rules are tried in order and the first match wins; when none matches
/// the ticket gets <see cref="Fallback"/>; then category floors raise the result (complaints are at
/// least P1). Immutable and thread-safe once built; <see cref="Default"/> holds the rules of the guides.
/// </summary>
public sealed record PriorityRuleTable
{
    /// <summary>
    /// The defaults from the guides: a safety risk, or a core function down for many customers or a
    /// key account, is P0; a core function down, or a blocked use, is P1; a secondary function,
    /// service-experience problems and suggestions that affect use are P2; everything else
    /// (minor flaws, non-urgent suggestions) is P3; complaints are floored at P1.
    /// </summary>
    public static PriorityRuleTable Default { get; } = new()
    {
        Rules =
        [
            new() { Name = "safety-risk", Priority = Priority.P0, MinimumSeverity = Severity.SafetyRisk },
            new() { Name = "core-function-many-customers", Priority = Priority.P0, MinimumSeverity = Severity.CoreFunction, MinimumImpactScope = ImpactScope.ManyCustomers },
            new() { Name = "core-function-key-account", Priority = Priority.P0, MinimumSeverity = Severity.CoreFunction, KeyAccount = true },
            new() { Name = "core-function", Priority = Priority.P1, MinimumSeverity = Severity.CoreFunction },
            new() { Name = "use-blocked", Priority = Priority.P1, MinimumSeverity = Severity.SecondaryFunction, MinimumUrgency = Urgency.UseBlocked },
            new() { Name = "secondary-function", Priority = Priority.P2, MinimumSeverity = Severity.SecondaryFunction },
            new() { Name = "service-experience", Priority = Priority.P2, Categories = [TicketCategory.ServiceExperience] },
            new() { Name = "suggestion-affecting-use", Priority = Priority.P2, Categories = [TicketCategory.Suggestion], MinimumUrgency = Urgency.UseDegraded },
        ],
        Fallback = Priority.P3,
        Floors = [new() { Category = TicketCategory.Complaint, Minimum = Priority.P1 }],
    };

    /// <summary>The rules, tried in order; the first match wins.</summary>
    public IReadOnlyList<PriorityRule> Rules { get; init; } = [];

    /// <summary>The priority when no rule matches. Default <see cref="Priority.P3"/>.</summary>
    public Priority Fallback { get; init; } = Priority.P3;

    /// <summary>Minimum priorities per category, applied after the rules.</summary>
    public IReadOnlyList<PriorityFloor> Floors { get; init; } = [];

    /// <summary>Judges the priority of a ticket.</summary>
    /// <param name="category">The ticket's category.</param>
    /// <param name="assessment">The ticket's assessment on the three axes.</param>
    /// <returns>The priority, the rule that decided it, and whether a floor raised it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="assessment"/> is null.</exception>
    public PriorityDecision Decide(TicketCategory category, PriorityAssessment assessment)
    {
        Preconditions.CheckNotNull(assessment);
        var priority = Fallback;
        var rule = "fallback";
        foreach (var candidate in Rules)
        {
            if (candidate.Matches(category, assessment))
            {
                priority = candidate.Priority;
                rule = candidate.Name;
                break;
            }
        }

        var floor = FloorFor(category);
        var raised = floor.IsMoreUrgentThan(priority);
        return new PriorityDecision(raised ? floor : priority, rule, raised);
    }

    /// <summary>The least urgent priority a ticket of <paramref name="category"/> may have (P3 when no floor is set).</summary>
    /// <param name="category">The category.</param>
    /// <returns>The floor.</returns>
    public Priority FloorFor(TicketCategory category)
    {
        var floor = Priority.P3;
        foreach (var f in Floors)
        {
            if (f.Category == category)
            {
                floor = floor.MostUrgent(f.Minimum);
            }
        }

        return floor;
    }

    /// <summary>Checks the table and throws one exception listing every problem.</summary>
    /// <exception cref="QualityValidationException">A rule has no name, a duplicate name or an undefined value.</exception>
    public void Validate()
    {
        var errors = new ValidationCollector(nameof(PriorityRuleTable));
        Validate(errors, nameof(PriorityRuleTable));
        errors.ThrowIfAny();
    }

    internal void Validate(ValidationCollector errors, string prefix)
    {
        errors.NamedItems(Rules, $"{prefix}.{nameof(Rules)}", "rule", item => item.Name, (rule, field) =>
        {
            if (!rule.Priority.IsDefined())
            {
                errors.Add($"{field}.{nameof(PriorityRule.Priority)}", $"'{(int)rule.Priority}' is not a priority (P0-P3).");
            }

            if (rule.Categories is null)
            {
                errors.Add($"{field}.{nameof(PriorityRule.Categories)}", "must not be null; leave it empty to match every category.");
            }

            if (rule.MinimumSeverity is { } s && !Enum.IsDefined(s))
            {
                errors.Add($"{field}.{nameof(PriorityRule.MinimumSeverity)}", $"'{(int)s}' is not a severity.");
            }

            if (rule.MinimumImpactScope is { } scope && !Enum.IsDefined(scope))
            {
                errors.Add($"{field}.{nameof(PriorityRule.MinimumImpactScope)}", $"'{(int)scope}' is not an impact scope.");
            }

            if (rule.MinimumUrgency is { } u && !Enum.IsDefined(u))
            {
                errors.Add($"{field}.{nameof(PriorityRule.MinimumUrgency)}", $"'{(int)u}' is not an urgency.");
            }
        });

        if (!Fallback.IsDefined())
        {
            errors.Add($"{prefix}.{nameof(Fallback)}", $"'{(int)Fallback}' is not a priority (P0-P3).");
        }

        if (Floors is null)
        {
            errors.Add($"{prefix}.{nameof(Floors)}", "must not be null; leave it empty for no floors.");
        }
        else
        {
            for (var i = 0; i < Floors.Count; i++)
            {
                if (Floors[i] is null)
                {
                    errors.Add($"{prefix}.{nameof(Floors)}[{i}]", "must not be null.");
                }
                else if (!Floors[i].Minimum.IsDefined())
                {
                    errors.Add($"{prefix}.{nameof(Floors)}[{i}].{nameof(PriorityFloor.Minimum)}", $"'{(int)Floors[i].Minimum}' is not a priority (P0-P3).");
                }
            }
        }
    }
}
