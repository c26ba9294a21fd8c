namespace AfterSales.Quality.FeedbackLoop;

/// <summary>Argument checks every improvement-plan store applies to a save, so all stores refuse the same input.</summary>
public static class ImprovementPlanStoreArguments
{
    /// <summary>Checks the arguments of <see cref="IImprovementPlanStore.SaveAsync"/>.</summary>
    /// <param name="plan">The plan: not null, with a non-empty id and version <paramref name="expectedVersion"/> + 1.</param>
    /// <param name="expectedVersion">The expected stored version (0 or more; 0 for a new plan).</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public static void CheckSave(ImprovementPlan plan, long expectedVersion)
    {
        Preconditions.CheckNotNull(plan);
        Preconditions.CheckArgument(expectedVersion >= 0, nameof(expectedVersion), $"'{nameof(expectedVersion)}' must be 0 or more (0 for a new plan); it was {expectedVersion}.");
        Preconditions.CheckArgument(plan.Id.Value != Guid.Empty, nameof(plan), "The plan's Id must not be empty.");
        Preconditions.CheckArgument(plan.Version == expectedVersion + 1, nameof(plan), $"The plan's Version must be {expectedVersion + 1} (expected version + 1); it is {plan.Version}.");
    }
}
