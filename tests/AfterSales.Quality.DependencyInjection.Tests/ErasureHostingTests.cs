using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>The hosted service finishes an erasure a crash interrupted before the host reports started; the pending-erasure gauge follows.</summary>
[Collection("telemetry")]
public sealed class ErasureHostingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-erasure-host-").FullName;
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));
    private readonly MasterKeyRing masterKeys = MasterKeyRing.CreateRandom();

    [Fact]
    public async Task An_interrupted_erasure_is_finished_before_the_host_reports_started_and_the_gauge_drops_to_zero()
    {
        var path = Path.Combine(directory, "crm.db");
        var scenario = new ErasureScenario();
        using var gauge = new MetricCollector<long>(null, QualityTelemetry.Name, QualityTelemetry.PendingErasures);
        // The process that crashed (its store stays open: it stands for the operator's tool that counts pending erasures).
        using var crashed = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, MasterKeys = masterKeys });
        var crashedService = ErasureScenario.Service(crashed, clock);
        await scenario.WriteAsync(crashedService);
        await scenario.CrashMidErasureAsync(crashed, crashed.CustomerKeys!, clock);
        Assert.Equal(1, await crashedService.CountPendingErasuresAsync());
        gauge.RecordObservableInstruments();
        Assert.Equal(1, gauge.LastMeasurement!.Value);
        Assert.NotNull((await crashed.CustomerKeys!.GetAsync([scenario.Erased]))[scenario.Erased].WrappedKey);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Information);
        builder.Services.AddAfterSalesQuality(_ => { })
            .UseSqlite(o =>
            {
                o.DataSource = path;
                o.MasterKeys = masterKeys;
            })
            .UseClock(clock);
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var pendingWhenStarted = -1;
        lifetime.ApplicationStarted.Register(() => pendingWhenStarted = host.Services.GetRequiredService<SqliteTicketStore>().CustomerKeys!.ListPendingErasuresAsync().AsTask().GetAwaiter().GetResult().Count);

        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<SqliteTicketStore>();
            Assert.Equal(0, pendingWhenStarted);
            var key = (await store.CustomerKeys!.GetAsync([scenario.Erased]))[scenario.Erased];
            Assert.Equal((ErasureStage.Done, (string?)null), (key.Stage, key.WrappedKey));
            await scenario.AssertReadsAsync(host.Services.GetRequiredService<TicketService>(), store);
            Assert.Single((await store.ReadStreamAsync(scenario.Erased)).Events, e => e.Event is PersonalDataErased);
            Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Message == "1 interrupted erasure(s) finished at start-up");
            // Each store instance reports its last count: the tool's is refreshed, the host's was set by the resumption.
            Assert.Equal(0, await crashedService.CountPendingErasuresAsync());
            gauge.RecordObservableInstruments();
            Assert.Equal(0, gauge.LastMeasurement!.Value);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
