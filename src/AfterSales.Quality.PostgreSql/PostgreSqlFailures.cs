using System.Net.Sockets;
using AfterSales.Quality.Storage;
using Npgsql;

namespace AfterSales.Quality.PostgreSql;

/// <summary>Which Npgsql and PostgreSQL errors mean the store is unavailable (not the call's data), and which of them pass.</summary>
internal static class PostgreSqlFailures
{
    /// <summary>
    /// A connection, I/O or timeout failure (an <see cref="NpgsqlException"/> that is not a server error), or a server
    /// error of class 08 (connection), 53 (insufficient resources), 57P (operator intervention: 57P01 admin shutdown,
    /// 57P02 crash shutdown, 57P03 cannot connect now, 57P04 database dropped), 57014 (statement cancelled or timed out),
    /// 58 (system error), 40001/40P01 (serialization failure, deadlock), 55P03 (lock not available) or XX001/XX002 (corrupt data).
    /// Constraint violations and bad input (22P05, …) are not: they are the store's own logic or the caller's data.
    /// </summary>
    public static bool IsUnavailable(NpgsqlException exception) => exception switch
    {
        PostgresException server => server.SqlState.StartsWith("08", StringComparison.Ordinal) || server.SqlState.StartsWith("53", StringComparison.Ordinal)
            || server.SqlState.StartsWith("57P", StringComparison.Ordinal) || server.SqlState.StartsWith("58", StringComparison.Ordinal)
            || server.SqlState is "57014" or "40001" or "40P01" or "55P03" or "XX001" or "XX002",
        _ => true,
    };

    /// <summary>A retry soon is likely to succeed: a dropped or refused connection, a timeout, a restarting server, a lock or resource shortage (not a full disk, a dropped database or corrupt data).</summary>
    public static bool IsTransient(NpgsqlException exception) => exception switch
    {
        PostgresException server => server.SqlState.StartsWith("08", StringComparison.Ordinal)
            || server.SqlState is "53000" or "53200" or "53300" or "53400" or "57P01" or "57P02" or "57P03" or "57014" or "40001" or "40P01" or "55P03",
        _ => exception.IsTransient || exception.InnerException is IOException or SocketException or TimeoutException,
    };

    public static TicketStoreUnavailableException Unavailable(NpgsqlException exception, string operation) =>
        new("PostgreSQL", operation, IsTransient(exception), exception);
}
