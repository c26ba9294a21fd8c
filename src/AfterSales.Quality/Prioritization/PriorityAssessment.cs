namespace AfterSales.Quality.Prioritization;

/// <summary>How many customers a problem affects.</summary>
public enum ImpactScope
{
    /// <summary>One customer.</summary>
    SingleCustomer = 0,

    /// <summary>Several customers.</summary>
    SeveralCustomers = 1,

    /// <summary>Many customers (a batch, a region, a release).</summary>
    ManyCustomers = 2,
}

/// <summary>Whether the problem stops the customer's normal use.</summary>
public enum Urgency
{
    /// <summary>Normal use is not affected.</summary>
    UseNotAffected = 0,

    /// <summary>Use is degraded but possible.</summary>
    UseDegraded = 1,

    /// <summary>Normal use is blocked.</summary>
    UseBlocked = 2,
}

/// <summary>How serious the problem is.</summary>
public enum Severity
{
    /// <summary>A cosmetic or minor flaw.</summary>
    Cosmetic = 0,

    /// <summary>A secondary function is affected.</summary>
    SecondaryFunction = 1,

    /// <summary>A core function is down.</summary>
    CoreFunction = 2,

    /// <summary>A safety risk.</summary>
    SafetyRisk = 3,
}

/// <summary>
/// The three axes on which a ticket's priority is judged (impact scope, urgency, severity), plus
/// whether a key account is affected. Immutable.
/// </summary>
public sealed record PriorityAssessment
{
    /// <summary>How many customers are affected. Default <see cref="ImpactScope.SingleCustomer"/>.</summary>
    public ImpactScope ImpactScope { get; init; }

    /// <summary>Whether normal use is stopped. Default <see cref="Urgency.UseNotAffected"/>.</summary>
    public Urgency Urgency { get; init; }

    /// <summary>How serious the problem is. Default <see cref="Severity.Cosmetic"/>.</summary>
    public Severity Severity { get; init; }

    /// <summary>Whether a key account is affected. Default <see langword="false"/>.</summary>
    public bool IsKeyAccount { get; init; }

    /// <summary>Adds a validation error for every axis that is not a defined value.</summary>
    internal void Validate(ValidationCollector errors, string field)
    {
        if (!Enum.IsDefined(ImpactScope))
        {
            errors.Add($"{field}.{nameof(ImpactScope)}", $"'{(int)ImpactScope}' is not a defined impact scope.");
        }

        if (!Enum.IsDefined(Urgency))
        {
            errors.Add($"{field}.{nameof(Urgency)}", $"'{(int)Urgency}' is not a defined urgency.");
        }

        if (!Enum.IsDefined(Severity))
        {
            errors.Add($"{field}.{nameof(Severity)}", $"'{(int)Severity}' is not a defined severity.");
        }
    }
}
