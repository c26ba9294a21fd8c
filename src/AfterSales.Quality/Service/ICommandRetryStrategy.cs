namespace AfterSales.Quality.Service;

/// <summary>
/// Runs one attempt of a ticket command or read and may run it again — typically after a transient
/// <see cref="Storage.TicketStoreUnavailableException"/>. <see cref="TicketService"/> hands it a whole attempt
/// (read the stream, decide, append), never a raw append: a retried command re-reads the ticket, so a
/// command that committed before the failure is recognised by its <c>CommandId</c> and applied exactly once.
/// The DI package's <c>UseStoreRetry</c> supplies one built on Polly v8. Implementations must be thread-safe.
/// </summary>
public interface ICommandRetryStrategy
{
    /// <summary>Runs <paramref name="attempt"/>, and again as the strategy decides, returning the first result.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="attempt">One attempt; safe to run again (it starts from a fresh read).</param>
    /// <param name="cancellationToken">Cancels the attempts and the waits between them.</param>
    /// <returns>The result of the attempt that succeeded.</returns>
    ValueTask<TResult> ExecuteAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> attempt, CancellationToken cancellationToken);
}
