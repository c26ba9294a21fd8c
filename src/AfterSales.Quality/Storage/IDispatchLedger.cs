using NodaTime;

namespace AfterSales.Quality.Storage;

/// <summary>
/// Where the background service records each SLA alert and due survey its handlers have handled, by the
/// stable id (<see cref="Sla.SlaAlert.Id"/>, <see cref="ReadModels.SurveyDue.Id"/>), so a restarted node or the node
/// that takes over does not announce it again. The record is written after the handlers return: a node killed
/// between the two announces that one item again (at least once, never lost); nothing else is repeated.
/// Implementations must be safe for concurrent use and shared by every node of one store.
/// </summary>
public interface IDispatchLedger
{
    /// <summary>Whether <paramref name="dispatchId"/> was recorded handled.</summary>
    /// <param name="dispatchId">The alert's or survey's stable id (1 to 200 characters).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>True when recorded.</returns>
    ValueTask<bool> IsDispatchedAsync(string dispatchId, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="dispatchId"/> handled; recording it again is a no-op (the first instant stays).</summary>
    /// <param name="dispatchId">The alert's or survey's stable id (1 to 200 characters).</param>
    /// <param name="handledAt">When the handlers returned.</param>
    /// <param name="cancellationToken">Cancels the write before it is sent.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    ValueTask RecordDispatchedAsync(string dispatchId, Instant handledAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the records handled before <paramref name="handledBefore"/>, so the ledger does not grow forever. The hosted
    /// service calls it with its scan checkpoint less the retention (<c>DispatchedRetention</c>): an alert behind the
    /// checkpoint is never raised again, so its record is no longer needed.
    /// </summary>
    /// <param name="handledBefore">Records handled strictly before this instant are removed.</param>
    /// <param name="cancellationToken">Cancels the removal before it is sent.</param>
    /// <returns>The number of records removed.</returns>
    ValueTask<int> PruneDispatchedAsync(Instant handledBefore, CancellationToken cancellationToken = default);
}

/// <summary>
/// A lease in the store that elects one node of many to do the background work (scan SLA alerts, hand surveys over).
/// Each grant carries a fencing token that grows with every change of holder, and checkpoints written with
/// <see cref="AdvanceCheckpointAsync"/> are refused once a newer holder exists, and never move backwards.
/// Implementations must be safe for concurrent use; expiry is measured on the store's clock, never a node's.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease <paramref name="lease"/> for <paramref name="holder"/>, or renews it when the holder has it:
    /// granted when it is free, expired, or already this holder's; it then expires <paramref name="duration"/> after
    /// the store received the request.
    /// </summary>
    /// <param name="lease">The lease name (1 to 200 characters).</param>
    /// <param name="holder">A name unique to this node and process run (1 to 200 characters).</param>
    /// <param name="duration">How long the grant lasts without a renewal; positive.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The fencing token while held (the same for renewals by one holder, larger after a change of holder); null when another holder's lease has not expired.</returns>
    ValueTask<long?> TryAcquireLeaseAsync(string lease, string holder, Duration duration, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up when <paramref name="holder"/> has it (another node can take it at once); otherwise does nothing.</summary>
    /// <param name="lease">The lease name.</param>
    /// <param name="holder">The holder that took it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when released.</returns>
    ValueTask ReleaseLeaseAsync(string lease, string holder, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a checkpoint (<see cref="ICheckpointStore"/>) forward on behalf of the holder of <paramref name="fencingToken"/>:
    /// written only while that token is the lease's current one, and set to the larger of the stored and the new position
    /// (compare-and-set: it never moves backwards).
    /// </summary>
    /// <param name="projection">The checkpoint's name.</param>
    /// <param name="position">The new position (0 or more).</param>
    /// <param name="lease">The lease name.</param>
    /// <param name="fencingToken">The token <see cref="TryAcquireLeaseAsync"/> granted.</param>
    /// <param name="cancellationToken">Cancels the write before it is sent.</param>
    /// <returns>False when another node holds the lease since (nothing written).</returns>
    ValueTask<bool> AdvanceCheckpointAsync(string projection, long position, string lease, long fencingToken, CancellationToken cancellationToken = default);
}

/// <summary>A store that tells listeners when events are appended to its feed (PostgreSQL <c>LISTEN/NOTIFY</c>), so projections catch up at once instead of at the next scan.</summary>
public interface IFeedAppendNotifier
{
    /// <summary>
    /// Listens until <paramref name="cancellationToken"/> is cancelled, calling <paramref name="appended"/> once when listening
    /// starts and then after appends commit (several appends may make one call; a call may be spurious).
    /// </summary>
    /// <param name="appended">Called on the listening thread; keep it short (signal a wait handle).</param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that completes when cancelled, or fails when the connection is lost (listen again).</returns>
    Task ListenAsync(Action appended, CancellationToken cancellationToken);
}
