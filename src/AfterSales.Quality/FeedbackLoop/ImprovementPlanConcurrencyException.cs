using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AfterSales.Quality.FeedbackLoop;

namespace AfterSales.Quality.FeedbackLoop;

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
