using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Storage;

namespace AfterSales.Quality.FeedbackLoop;

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
        ImprovementPlanStoreArguments.CheckSave(plan, expectedVersion);
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
