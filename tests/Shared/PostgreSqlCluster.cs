using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AfterSales.Quality.Testing;

/// <summary>
/// A PostgreSQL cluster for the tests and the benchmarks (this file is linked into both): Debian's
/// binaries under /usr/lib/postgresql/*/bin, initdb, 127.0.0.1 on a free port; run as root, the
/// server runs as 'postgres' via runuser (initdb refuses root). Either throwaway (a temporary
/// directory, removed when disposed) or kept in a given data directory, so a generated database
/// survives the benchmark process.
/// </summary>
internal sealed class PostgreSqlCluster : IAsyncDisposable
{
    private readonly string binaries;
    private readonly bool asPostgresUser;
    private readonly string socketDirectory;
    private readonly string dataDirectory;
    private readonly bool throwaway;

    private PostgreSqlCluster(string binaries, bool asPostgresUser, string socketDirectory, string dataDirectory, bool throwaway)
    {
        this.binaries = binaries;
        this.asPostgresUser = asPostgresUser;
        this.socketDirectory = socketDirectory;
        this.dataDirectory = dataDirectory;
        this.throwaway = throwaway;
    }

    /// <summary>The cluster's data directory (heap files, pg_wal).</summary>
    public string DataDirectory => dataDirectory;

    /// <summary>The connection string of the cluster's database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>
    /// Starts a cluster on <paramref name="dataDirectory"/> (created with initdb when it holds no
    /// cluster), or on a temporary directory removed at disposal when null.
    /// </summary>
    /// <param name="dataDirectory">Where the cluster lives, or null for a throwaway one.</param>
    /// <param name="database">The database to create in a fresh cluster and connect to.</param>
    /// <param name="settings">Server settings (-c name=value), e.g. <c>synchronous_commit=off</c>; later ones override earlier.</param>
    /// <returns>The running cluster with the database.</returns>
    public static async Task<PostgreSqlCluster> StartAsync(string? dataDirectory, string database, params string[] settings)
    {
        var binaries = (Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null) ?? throw new InvalidOperationException("PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin; install Debian's 'postgresql' package (`bash .ci/test`, the README's test command, does).");
        var asPostgresUser = Environment.UserName == "root";
        var sockets = Path.Combine(Path.GetTempPath(), "aftersales-bench-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(sockets);
        var throwaway = dataDirectory is null;
        dataDirectory ??= Path.Combine(sockets, "data");
        var cluster = new PostgreSqlCluster(binaries, asPostgresUser, sockets, dataDirectory, throwaway);
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", sockets]);
        }

        var fresh = !File.Exists(Path.Combine(dataDirectory, "PG_VERSION"));
        if (fresh)
        {
            Directory.CreateDirectory(dataDirectory);
            if (asPostgresUser)
            {
                await RunAsync("chown", ["postgres:postgres", dataDirectory]);
            }

            await cluster.RunPostgresAsync("initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
        }

        var port = FreePort();
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=100")
            + string.Concat(settings.Select(s => " -c " + s));
        await cluster.RunPostgresAsync("pg_ctl", ["-D", dataDirectory, "-l", Path.Combine(sockets, "server.log"), "-o", options, "-w", "-t", "120", "start"]);
        var server = string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Maximum Pool Size=50;Include Error Detail=true;Database=");
        if (fresh)
        {
            await using var connection = new NpgsqlConnection(server + "postgres");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database};", connection);
            await command.ExecuteNonQueryAsync();
        }

        cluster.ConnectionString = server + database;
        return cluster;
    }

    /// <summary>Stops the server (a clean shutdown, so a kept data directory can be started again) and removes what is temporary.</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPostgresAsync("pg_ctl", ["-D", dataDirectory, "-m", throwaway ? "immediate" : "fast", "-w", "-t", "300", "stop"]);
        }
        finally
        {
            Directory.Delete(socketDirectory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgresAsync(string tool, string[] arguments)
    {
        var path = Path.Combine(binaries, tool);
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
