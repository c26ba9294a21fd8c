using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AfterSales.Quality.FeedbackLoop;

namespace AfterSales.Quality.Storage;

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
    /// <exception cref="ArgumentException">The plan is null or has an empty id, <paramref name="expectedVersion"/> is negative, or the plan's version is not <paramref name="expectedVersion"/> + 1 (see <see cref="StoreArguments.CheckSave"/>).</exception>
    ValueTask SaveAsync(ImprovementPlan plan, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Every plan, in no particular order.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The plans.</returns>
    IAsyncEnumerable<ImprovementPlan> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>Thrown when a plan was saved by another writer since it was read. Nothing was written.</summary>
public sealed class ImprovementPlanConcurrencyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="expectedVersion">The version the writer expected.</param>
    /// <param name="actualVersion">The stored version.</param>
    public ImprovementPlanConcurrencyException(ImprovementPlanId id, long expectedVersion, long actualVersion)
        : base($"Improvement plan {id} is at version {actualVersion}, not the expected {expectedVersion}: another writer saved first. Nothing was written.")
    {
        PlanId = id;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The plan.</summary>
    public ImprovementPlanId PlanId { get; }

    /// <summary>The version the writer expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The stored version.</summary>
    public long ActualVersion { get; }
}

/// <summary>A thread-safe in-memory plan store, for tests and small hosts.</summary>
public sealed class InMemoryImprovementPlanStore : IImprovementPlanStore
{
    private readonly ConcurrentDictionary<ImprovementPlanId, ImprovementPlan> plans = new();
    private readonly Lock gate = new();

    /// <inheritdoc />
    public ValueTask<ImprovementPlan?> GetAsync(ImprovementPlanId id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(plans.TryGetValue(id, out var plan) ? plan : null);
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(ImprovementPlan plan, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSave(plan, expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var actual = plans.TryGetValue(plan.Id, out var stored) ? stored.Version : 0;
            if (actual != expectedVersion)
            {
                throw new ImprovementPlanConcurrencyException(plan.Id, expectedVersion, actual);
            }

            plans[plan.Id] = plan;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ImprovementPlan> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var plan in plans.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return plan;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
