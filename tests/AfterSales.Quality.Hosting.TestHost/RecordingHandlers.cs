using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using Npgsql;

namespace AfterSales.Quality.Hosting.TestHost;

/// <summary>
/// Handlers that record each alert and survey they receive, by its stable id: appended to a file (one line each,
/// flushed) and/or counted in a PostgreSQL table <c>(id PRIMARY KEY, deliveries, node)</c> — an idempotent consumer:
/// the effect (the row) exists once, <c>deliveries</c> counts the hand-overs. With <c>HangAfter</c> = n the
/// n+1-th item blocks for ever (for a test that kills the process in a batch).
/// </summary>
public sealed class RecordingHandlers(string? file, string? connectionString, string? table, int hangAfter) : ISlaAlertHandler, ISurveyDueHandler
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private int received;

    /// <inheritdoc />
    public Task HandleAsync(SlaAlert alert, CancellationToken cancellationToken) => RecordAsync(alert.Id, cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(SurveyDue survey, CancellationToken cancellationToken) => RecordAsync(survey.Id, cancellationToken);

    private async Task RecordAsync(string id, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref received) > hangAfter)
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }

        if (file is not null)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await File.AppendAllTextAsync(file, id + Environment.NewLine, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }

        if (connectionString is not null && table is not null)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"INSERT INTO {table} (id, deliveries, node) VALUES (@id, 1, @node) ON CONFLICT (id) DO UPDATE SET deliveries = {table}.deliveries + 1;", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("node", Environment.ProcessId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
