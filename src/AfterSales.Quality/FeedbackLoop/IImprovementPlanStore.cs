using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AfterSales.Quality.FeedbackLoop;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>
/// Where improvement plans are kept: whole plans saved with optimistic concurrency on
/// <see cref="ImprovementPlan.Version"/>. Implementations must be safe for concurrent use.
/// </summary>
public interface IImprovementPlanStore
{
    /// <summary>Reads a plan.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan, or null.</returns>
    ValueTask<ImprovementPlan?> GetAsync(ImprovementPlanId id, CancellationToken cancellationToken = default);

    /// <summary>Saves a plan whose stored version is <paramref name="expectedVersion"/> (0 for a new plan); the plan's own version is <paramref name="expectedVersion"/> + 1.</summary>
    /// <param name="plan">The plan to store.</param>
    /// <param name="expectedVersion">The version read before the change.</param>
    /// <param name="cancellationToken">Cancels the save before it is committed.</param>
    /// <returns>A task that completes when the plan is stored.</returns>
    /// <exception cref="ImprovementPlanConcurrencyException">Another writer saved first; nothing was written.</exception>
    /// <exception cref="ArgumentException">The plan is null or has an empty id, <paramref name="expectedVersion"/> is negative, or the plan's version is not <paramref name="expectedVersion"/> + 1 (see <see cref="ImprovementPlanStoreArguments.CheckSave"/>).</exception>
    ValueTask SaveAsync(ImprovementPlan plan, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Every plan, in no particular order.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The plans.</returns>
    IAsyncEnumerable<ImprovementPlan> ListAsync(CancellationToken cancellationToken = default);
}
