namespace AfterSales.Quality.Prioritization;

/// <summary>
/// One row of the priority rule table: when every condition that is set holds, the ticket gets
/// <see cref="Priority"/>. Conditions left unset match anything. Immutable.
/// </summary>
public sealed record PriorityRule
{
    /// <summary>A short name recorded with the triage decision, so a priority can be explained.</summary>
    public string Name { get; init; } = "";

    /// <summary>The priority given when the rule matches.</summary>
    public Priority Priority { get; init; } = Priority.P3;

    /// <summary>The categories the rule applies to; empty means every category.</summary>
    public IReadOnlyList<TicketCategory> Categories { get; init; } = [];

    /// <summary>The least severity that matches; <see langword="null"/> matches any.</summary>
    public Severity? MinimumSeverity { get; init; }

    /// <summary>The least impact scope that matches; <see langword="null"/> matches any.</summary>
    public ImpactScope? MinimumImpactScope { get; init; }

    /// <summary>The least urgency that matches; <see langword="null"/> matches any.</summary>
    public Urgency? MinimumUrgency { get; init; }

    /// <summary>When <see langword="true"/>, only key accounts match; when <see langword="false"/>, only other customers; <see langword="null"/> matches both.</summary>
    public bool? KeyAccount { get; init; }

    /// <summary>Whether the rule matches a ticket of <paramref name="category"/> assessed as <paramref name="assessment"/>.</summary>
    /// <param name="category">The ticket's category.</param>
    /// <param name="assessment">The ticket's assessment.</param>
    /// <returns><see langword="true"/> when every condition that is set holds.</returns>
    public bool Matches(TicketCategory category, PriorityAssessment assessment)
    {
        Preconditions.CheckNotNull(assessment);
        return (Categories.Count == 0 || Categories.Contains(category))
            && (MinimumSeverity is null || assessment.Severity >= MinimumSeverity)
            && (MinimumImpactScope is null || assessment.ImpactScope >= MinimumImpactScope)
            && (MinimumUrgency is null || assessment.Urgency >= MinimumUrgency)
            && (KeyAccount is null || assessment.IsKeyAccount == KeyAccount);
    }
}

/// <summary>
/// A minimum priority for a category: tickets of <see cref="Category"/> are never less urgent than
/// <see cref="Minimum"/> (complaints are floored at P1 by default).
/// </summary>
public sealed record PriorityFloor
{
    /// <summary>The category the floor applies to.</summary>
    public TicketCategory Category { get; init; }

    /// <summary>The least urgent priority the category may have.</summary>
    public Priority Minimum { get; init; } = Priority.P1;
}

/// <summary>The outcome of judging a ticket's priority.</summary>
/// <param name="Priority">The priority given.</param>
/// <param name="Rule">The name of the rule that decided it (the fallback is <c>fallback</c>).</param>
/// <param name="RaisedByFloor">Whether a category floor raised the priority above the rule's.</param>
public sealed record PriorityDecision(Priority Priority, string Rule, bool RaisedByFloor);
