using AfterSales.Quality.Storage;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>Which SQLite errors mean the store is unavailable (not the call's data), and which of them pass.</summary>
internal static class SqliteFailures
{
    /// <summary>
    /// SQLITE_PERM 3, BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, CORRUPT 11, FULL 13, CANTOPEN 14, PROTOCOL 15,
    /// NOTADB 26 (primary codes). Constraint and SQL errors are not: they are the store's own logic.
    /// </summary>
    public static bool IsUnavailable(SqliteException exception) => exception.SqliteErrorCode is 3 or 5 or 6 or 7 or 8 or 10 or 11 or 13 or 14 or 15 or 26;

    /// <summary>Another connection holds the lock (BUSY, LOCKED, PROTOCOL) or memory ran short: a retry soon is likely to succeed.</summary>
    public static bool IsTransient(SqliteException exception) => exception.SqliteErrorCode is 5 or 6 or 7 or 15;

    public static TicketStoreUnavailableException Unavailable(SqliteException exception, string operation) =>
        new("SQLite", operation, IsTransient(exception), exception);
}
