using System.Diagnostics;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>
/// Time to the first KPI query after a host starts: a new <see cref="TicketFactProjection"/> over the store of
/// <see cref="KpiRebuildBenchmarks"/> (the same generated year of tickets, gitignored under <c>benchmarks/.data/</c>),
/// then Q1 (team × channel × priority by month). The baseline rebuilds from position 0, as every start did; the other
/// restores the snapshot kept in the store (<see cref="ReadModelSnapshots"/>, written once in the setup at the feed's
/// head), catches up (nothing new; the open tickets are measured again only when a clock of theirs fell due since — none at
/// the snapshot's own instant, those of an hour in the third row) and answers the same query.
/// Set AFTERSALES_STORE_TICKETS (default 100000) and AFTERSALES_STORES (default Sqlite).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class ColdStartBenchmarks
{
    private readonly KpiRebuildBenchmarks data = new();
    private ITicketStore store = null!;

    public static IEnumerable<StoreKind> Stores() =>
        (Environment.GetEnvironmentVariable("AFTERSALES_STORES") ?? "Sqlite")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<StoreKind>);

    public static IEnumerable<int> TicketCounts() =>
        (Environment.GetEnvironmentVariable("AFTERSALES_STORE_TICKETS") ?? "100000")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture));

    [ParamsSource(nameof(Stores))]
    public StoreKind Store { get; set; }

    [ParamsSource(nameof(TicketCounts))]
    public int Tickets { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        data.Store = Store;
        data.Tickets = Tickets;
        await data.Setup();
        store = data.OpenedStore;
        var clock = Stopwatch.StartNew();
        var projection = new TicketFactProjection(store, SlaPolicySet.Default, capacity: Tickets);
        await projection.RefreshAsync(TicketHistories.MeasuredAt);
        var rebuilt = clock.Elapsed;
        clock.Restart();
        var snapshot = projection.CaptureSnapshot();
        var captured = clock.Elapsed;
        clock.Restart();
        var bytes = snapshot.ToBytes();
        var encoded = clock.Elapsed;
        clock.Restart();
        await ((ISnapshotStore)store).WriteSnapshotAsync(ReadModelSnapshots.TicketFactsName, bytes);
        Console.WriteLine($"// Setup: rebuilt in {rebuilt.TotalSeconds:F1} s; snapshot of {projection.Facts.Count:N0} facts ({projection.OpenTickets:N0} not settled) captured in {captured.TotalMilliseconds:F0} ms, encoded in {encoded.TotalMilliseconds:F0} ms ({bytes.Length / 1e6:F1} MB), written in {clock.Elapsed.TotalMilliseconds:F0} ms.");
    }

    [GlobalCleanup]
    public Task Cleanup() => data.Cleanup();

    [Benchmark(Baseline = true, Description = "start: full rebuild, then Q1")]
    public async Task<int> FullRebuild()
    {
        var projection = new TicketFactProjection(store, SlaPolicySet.Default, capacity: Tickets);
        await projection.RefreshAsync(TicketHistories.MeasuredAt);
        return FirstQuery(projection);
    }

    [Benchmark(Description = "start: snapshot + catch-up, then Q1")]
    public async Task<int> FromSnapshot()
    {
        var projection = new TicketFactProjection(store, SlaPolicySet.Default, capacity: Tickets);
        var restored = await projection.RestoreSnapshotAsync((ISnapshotStore)store);
        if (!restored.IsRestored)
        {
            throw new InvalidOperationException($"The snapshot was not restored: {restored.Status} {restored.Detail}");
        }

        await projection.RefreshAsync(TicketHistories.MeasuredAt);
        return FirstQuery(projection);
    }

    /// <summary>
    /// A host started an hour after the snapshot was written (nothing new in the feed): the open tickets whose SLA clocks
    /// fell due in that hour — during the desk's working hours — are read back and measured again before the query.
    /// </summary>
    [Benchmark(Description = "start: snapshot + catch-up an hour later, then Q1")]
    public async Task<int> FromSnapshotAnHourLater()
    {
        var projection = new TicketFactProjection(store, SlaPolicySet.Default, capacity: Tickets);
        var restored = await projection.RestoreSnapshotAsync((ISnapshotStore)store);
        if (!restored.IsRestored)
        {
            throw new InvalidOperationException($"The snapshot was not restored: {restored.Status} {restored.Detail}");
        }

        await projection.RefreshAsync(TicketHistories.MeasuredAt + NodaTime.Duration.FromHours(1));
        return FirstQuery(projection);
    }

    private int FirstQuery(TicketFactProjection projection) => projection.Facts.Count == Tickets
        ? KpiEngine.Aggregate(projection.Facts, new KpiQuery { GroupBy = FactDimension.Team | FactDimension.Channel | FactDimension.Priority, Period = KpiPeriod.Month }).Count
        : throw new InvalidOperationException($"The projection holds {projection.Facts.Count} facts, not {Tickets}.");
}
