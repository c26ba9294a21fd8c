namespace AfterSales.Quality.Storage;

/// <summary>
/// The store could not complete a call because of its infrastructure — the database is busy or
/// locked, the server went away or refused the connection, the disk is full, read-only or corrupt —
/// not because of the call's data. The driver's error is <see cref="Exception.InnerException"/>.
/// <para>
/// <b>The outcome of a write is unknown: the command may have committed.</b> Retry with the same
/// <c>CommandId</c>: a command already applied appends nothing again and returns
/// <c>AlreadyApplied</c>; a command that was not applied is applied once. Never retry with a new
/// command id, and never retry a raw store append (its expected version is already taken if it committed).
/// <see cref="IsTransient"/> says whether a retry soon is likely to succeed (a lock, a restarting
/// server, a dropped connection) or needs an operator (a full or read-only disk, a corrupt file).
/// </para>
/// Thrown by the SQLite and PostgreSQL stores from every call (appends single and batched, reads,
/// the feed, sequences, checkpoints, improvement plans); stores of your own should do the same.
/// </summary>
public sealed class TicketStoreUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store's kind, e.g. <c>SQLite</c>, <c>PostgreSQL</c>.</param>
    /// <param name="operation">The store call that failed, e.g. <c>AppendAsync</c>.</param>
    /// <param name="isTransient">Whether a retry soon is likely to succeed.</param>
    /// <param name="innerException">The driver's error.</param>
    /// <exception cref="ArgumentException"><paramref name="store"/> or <paramref name="operation"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="innerException"/> is null.</exception>
    public TicketStoreUnavailableException(string store, string operation, bool isTransient, Exception innerException)
        : base(Describe(store, operation, isTransient, innerException), innerException)
    {
        Store = store;
        Operation = operation;
        IsTransient = isTransient;
    }

    /// <summary>The store's kind, e.g. <c>SQLite</c>.</summary>
    public string Store { get; }

    /// <summary>The store call that failed, e.g. <c>AppendAsync</c>.</summary>
    public string Operation { get; }

    /// <summary>Whether a retry soon (with the same command id) is likely to succeed.</summary>
    public bool IsTransient { get; }

    private static string Describe(string store, string operation, bool isTransient, Exception innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        ArgumentNullException.ThrowIfNull(innerException);
        return $"The {store} ticket store is unavailable ({operation}, {(isTransient ? "transient" : "not transient")}): {innerException.Message} "
            + "The command may have committed: retry with the same CommandId.";
    }
}
