using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary><c>AddHealthChecks().AddAfterSalesQuality()</c> on a real host over SQLite.</summary>
[Collection("telemetry")]
public sealed class HealthCheckTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    private static (IHost Host, FakeClock Clock, string Database) Build(int maxLagEvents)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging();
        var database = Path.Combine(Directory.CreateTempSubdirectory("aftersales-health-").FullName, "crm.db");
        var clock = new FakeClock(Now);
        builder.Services.AddAfterSalesQuality(o => o.ScanInterval = TimeSpan.FromHours(1)).UseSqlite(o => { o.DataSource = database; o.AllowPlaintextPersonalData = true; }).UseClock(clock);
        builder.Services.AddHealthChecks().AddAfterSalesQuality(maxLagEvents, ["ready"]);
        return (builder.Build(), clock, database);
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host, string name)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }

    /// <summary>Waits for the background service's first scan (the scan runs as soon as the host has started).</summary>
    private static async Task<HealthReportEntry> AfterFirstScanAsync(IHost host)
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var entry = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.ProjectionCheckName);
            if (!entry.Description!.Contains("first scan", StringComparison.Ordinal))
            {
                return entry;
            }

            await Task.Delay(10);
        }

        throw new InvalidOperationException("The background service never completed a scan.");
    }

    private static Task RegisterAsync(IHost host) => host.Services.GetRequiredService<TicketService>().ExecuteAsync(new RegisterTicket
    {
        TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = "agent",
        Intake = new TicketIntake { CustomerName = "Li Si", Contact = "13900000000", ProductModel = "Phone", ReceivedAt = Now, Description = "screen", Owner = "agent" },
    });

    [Fact]
    public async Task The_store_check_is_unhealthy_until_the_host_has_opened_the_store_then_healthy()
    {
        var (host, _, _) = Build(1_000);
        using (host)
        {
            var before = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.StoreCheckName);
            Assert.Equal(HealthStatus.Unhealthy, before.Status);
            Assert.Contains("not open yet", before.Description, StringComparison.Ordinal);
            Assert.Equal(["ready"], before.Tags);

            await host.StartAsync();
            var after = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.StoreCheckName);
            Assert.Equal(HealthStatus.Healthy, after.Status);
            Assert.Contains("SqliteTicketStore", after.Description, StringComparison.Ordinal);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_store_check_is_unhealthy_when_the_database_file_is_no_database()
    {
        var (host, _, database) = Build(1_000);
        using (host)
        {
            await host.StartAsync();
            await host.StopAsync(); // the background scan leaves the file alone from here
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database + "-wal", database + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }

            await File.WriteAllBytesAsync(database, new byte[8192]); // zeros: not a SQLite header
            var entry = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.StoreCheckName);
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            // The store reports the driver's failure as its documented infrastructure exception, the driver's inside.
            var unavailable = Assert.IsType<AfterSales.Quality.Storage.TicketStoreUnavailableException>(entry.Exception);
            Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(unavailable.InnerException);
        }
    }

    [Fact]
    public async Task The_projection_check_reports_the_events_behind_and_a_stale_scan()
    {
        var (host, clock, _) = Build(maxLagEvents: 2);
        using (host)
        {
            await host.StartAsync();
            var caughtUp = await AfterFirstScanAsync(host);
            Assert.Equal(HealthStatus.Healthy, caughtUp.Status);
            Assert.Equal(0, caughtUp.Data["behind"]);

            // The scan runs hourly: tickets registered now are behind until the next one.
            await RegisterAsync(host);
            var one = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.ProjectionCheckName);
            Assert.Equal((HealthStatus.Healthy, 1), (one.Status, (int)one.Data["behind"]));
            await RegisterAsync(host);
            var two = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.ProjectionCheckName);
            Assert.Equal((HealthStatus.Degraded, 2), (two.Status, (int)two.Data["behind"]));
            Assert.Contains("2 or more events behind", two.Description, StringComparison.Ordinal);

            clock.Advance(Duration.FromHours(3) + Duration.FromSeconds(1));
            var stale = await CheckAsync(host, AfterSalesQualityHealthCheckBuilderExtensions.ProjectionCheckName);
            Assert.Equal(HealthStatus.Degraded, stale.Status);
            Assert.Contains("more than three scan intervals", stale.Description, StringComparison.Ordinal);
            await host.StopAsync();
        }
    }

    [Fact]
    public void The_lag_bound_is_checked()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddAfterSalesQuality(0));
    }
}
