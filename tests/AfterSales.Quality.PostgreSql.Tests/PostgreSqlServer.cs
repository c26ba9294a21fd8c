using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: Debian's binaries (/usr/lib/postgresql/*/bin),
/// initdb on a temporary directory, started on 127.0.0.1 and a free port, stopped and removed
/// at the end. Run as root, the server runs as the 'postgres' system user (initdb refuses root).
/// If the server cannot start the tests fail; they never skip.
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    private string? directory;
    private string? binaries;
    private bool asPostgresUser;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        if (binaries is null)
        {
            throw new InvalidOperationException("PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin; install Debian's 'postgresql' package (.ci/prepare does).");
        }

        asPostgresUser = Environment.UserName == "root";
        directory = Path.Combine(Path.GetTempPath(), "aftersales-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        await RunPostgresAsync("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
        var port = FreePort();
        var serverOptions = string.Create(CultureInfo.InvariantCulture, $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");
        await RunPostgresAsync("pg_ctl", ["-D", data, "-l", Path.Combine(directory, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
        ConnectionString = string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=50;Include Error Detail=true");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE DATABASE aftersales_tests;", connection);
        await command.ExecuteNonQueryAsync();
        ConnectionString = ConnectionString.Replace("Database=postgres", "Database=aftersales_tests", StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (directory is null)
        {
            return;
        }

        try
        {
            if (binaries is not null && Directory.Exists(Path.Combine(directory, "data")))
            {
                await RunPostgresAsync("pg_ctl", ["-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "stop"]);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A fresh schema name, so every store in a test starts empty.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgresAsync(string tool, string[] arguments)
    {
        var path = Path.Combine(binaries!, tool);
        return asPostgresUser ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {await error}{await output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "postgresql";
}
