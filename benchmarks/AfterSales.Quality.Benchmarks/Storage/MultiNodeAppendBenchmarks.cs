using AfterSales.Quality.PostgreSql;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using AfterSales.Quality.Tickets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>
/// The append rate of several application nodes on one PostgreSQL (README "Running several nodes"): <see cref="Nodes"/>
/// stores, each opened on its own connection pool as a separate app node would, and <see cref="WritersPerNode"/>
/// concurrent writers on each, every writer appending new tickets one event per append (what a command does) at the
/// expected version. The peer (baseline) is the raw driver: the same number of pools and writers inserting the same
/// rows into a plain table with the same UNIQUE (ticket_id, version) and an identity position — no version check,
/// no gap-free feed head. So Ratio is what the store's ordered, gap-free feed costs under contention. Times are per
/// invocation: Nodes × 8 writers × 4 tickets × 10 events (320 or 960 events); the events/s in benchmarks/README.md divide those. PostgreSQL 15 throwaway cluster, synchronous_commit = off.
/// The nodes share this process (and the machine's 2 vCPUs with the server); what the server sees — separate pools,
/// separate sessions, concurrent transactions — is what separate processes give it.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class MultiNodeAppendBenchmarks
{
    private const int TicketsPerWriter = 4;

    private PostgreSqlCluster cluster = null!;
    private PostgreSqlTicketStore[] stores = [];
    private RawPostgreSqlEventTable[] raws = [];
    private int counter;

    /// <summary>App nodes (stores with their own pools).</summary>
    [Params(1, 3)]
    public int Nodes { get; set; }

    /// <summary>Concurrent writers per node.</summary>
    [Params(8)]
    public int WritersPerNode { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        cluster = await PostgreSqlCluster.StartAsync(null, "benchnodes", "synchronous_commit=off", "max_connections=200");
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = cluster.ConnectionString, AllowPlaintextPersonalData = true };
        stores = new PostgreSqlTicketStore[Nodes];
        for (var n = 0; n < Nodes; n++)
        {
            stores[n] = await PostgreSqlTicketStore.OpenAsync(options);
        }

        raws = new RawPostgreSqlEventTable[Nodes];
        raws[0] = await RawPostgreSqlEventTable.CreateAsync(cluster.ConnectionString);
        for (var n = 1; n < Nodes; n++)
        {
            raws[n] = RawPostgreSqlEventTable.Open(cluster.ConnectionString);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var raw in raws)
        {
            await raw.DisposeAsync();
        }

        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        await cluster.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw driver, N pools × 8 writers, 1 event per append")]
    public Task Raw() => RunWriters(async (node, id, history) =>
    {
        for (var i = 0; i < history.Length; i++)
        {
            await raws[node].AppendAsync(id, i, [history[i]]);
        }
    });

    [Benchmark(Description = "store, N nodes × 8 writers, 1 event per append")]
    public Task Store() => RunWriters(async (node, id, history) =>
    {
        for (var i = 0; i < history.Length; i++)
        {
            await stores[node].AppendAsync(id, i, [history[i]]);
        }
    });

    private Task RunWriters(Func<int, TicketId, TicketEvent[], Task> writeTicket)
    {
        var writers = new List<Task>(Nodes * WritersPerNode);
        for (var node = 0; node < Nodes; node++)
        {
            for (var w = 0; w < WritersPerNode; w++)
            {
                var n = node;
                var first = Interlocked.Add(ref counter, TicketsPerWriter) - TicketsPerWriter;
                writers.Add(Task.Run(async () =>
                {
                    for (var t = 0; t < TicketsPerWriter; t++)
                    {
                        var id = TicketId.New();
                        await writeTicket(n, id, TicketHistories.HappyPath(id, first + t));
                    }
                }));
            }
        }

        return Task.WhenAll(writers);
    }
}
