using AfterSales.Quality.Testing;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>
/// The throwaway PostgreSQL cluster of the tests (<see cref="PostgreSqlCluster"/>: Debian's binaries,
/// initdb on a temporary directory, 127.0.0.1 and a free port, stopped and removed at the end).
/// If the server cannot start the tests fail; they never skip.
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    private PostgreSqlCluster? cluster;

    public string ConnectionString => cluster?.ConnectionString ?? "";

    /// <summary>The throwaway cluster's data directory.</summary>
    public string DataDirectory => cluster?.DataDirectory ?? "";

    public async Task InitializeAsync() => cluster = await PostgreSqlCluster.StartAsync(null, "aftersales_tests", "fsync=off", "max_connections=200");

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>A fresh schema name, so every store in a test starts empty.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "postgresql";
}
