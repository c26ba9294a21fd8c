using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AfterSales.Quality.PostgreSql.DependencyInjection;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>The store is opened while the host starts: a bad one stops the host before "Application started".</summary>
public sealed class StartupTests
{
    private static string MissingDirectoryPath() =>
        Path.Combine(Path.GetTempPath(), "aftersales-missing-" + Guid.NewGuid().ToString("N"), "no-such-dir", "crm.db");

    /// <summary>A local port nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static HostApplicationBuilder Builder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging();
        return builder;
    }

    [Fact]
    public async Task A_SQLite_file_that_cannot_be_opened_stops_the_host_before_any_hosted_service_starts()
    {
        var path = MissingDirectoryPath();
        var builder = Builder();
        builder.Services.AddAfterSalesQuality().UseSqlite(o => { o.DataSource = path; o.AllowPlaintextPersonalData = true; });
        var started = new StartedProbe();
        builder.Services.AddSingleton<IHostedService>(started);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<TicketStoreStartupException>(() => host.StartAsync());
        Assert.Equal("SqliteTicketStoreOptions.DataSource", error.ConfigurationKey);
        Assert.Equal(path, error.Target);
        Assert.Contains($"SqliteTicketStoreOptions.DataSource = '{path}'", error.Message, StringComparison.Ordinal);
        Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(error.InnerException);
        Assert.False(started.Started);
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested);
    }

    [Fact]
    public async Task A_closed_PostgreSQL_port_stops_the_host_naming_the_server_but_not_the_password()
    {
        var port = ClosedPort();
        var builder = Builder();
        builder.Services.AddAfterSalesQuality().UsePostgreSql(o => { o.ConnectionString = $"Host=127.0.0.1;Port={port};Database=crm;Username=crm;Password=s3cret-pw;Timeout=5"; o.AllowPlaintextPersonalData = true; });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<TicketStoreStartupException>(() => host.StartAsync());
        Assert.Equal("PostgreSqlTicketStoreOptions.ConnectionString", error.ConfigurationKey);
        Assert.Equal($"Host=127.0.0.1;Port={port};Database=crm;Username=crm", error.Target);
        Assert.Contains(error.Target, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.ToString(), StringComparison.Ordinal);
        Assert.IsAssignableFrom<Npgsql.NpgsqlException>(error.InnerException);
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested);
    }

    [Fact]
    public async Task A_good_store_is_open_when_the_hosted_services_start()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aftersales-start-").FullName, "crm.db");
        var builder = Builder();
        builder.Services.AddAfterSalesQuality().UseSqlite(o => { o.DataSource = path; o.AllowPlaintextPersonalData = true; });
        using var host = builder.Build();
        Assert.False(File.Exists(path)); // not opened by building the host
        await host.StartAsync();
        Assert.True(File.Exists(path));
        Assert.IsType<AfterSales.Quality.Sqlite.SqliteTicketStore>(host.Services.GetRequiredService<ITicketStore>());
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_a_host_the_store_is_opened_explicitly_and_resolving_it_first_says_how()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aftersales-start-").FullName, "crm.db");
        var services = new ServiceCollection();
        services.AddAfterSalesQuality().UseSqlite(o => { o.DataSource = path; o.AllowPlaintextPersonalData = true; });
        await using var provider = services.BuildServiceProvider();
        var early = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<TicketService>());
        Assert.Contains("OpenAfterSalesQualityStoreAsync", early.Message, StringComparison.Ordinal);

        await provider.OpenAfterSalesQualityStoreAsync();
        await provider.OpenAfterSalesQualityStoreAsync(); // idempotent
        Assert.NotNull(provider.GetRequiredService<TicketService>());
        Assert.IsType<AfterSales.Quality.Sqlite.SqliteTicketStore>(provider.GetRequiredService<ITicketStore>());
    }

    [Fact]
    public async Task A_host_process_with_a_bad_SQLite_path_exits_non_zero_before_Application_started()
    {
        var path = MissingDirectoryPath();
        var (exitCode, output) = await RunTestHostAsync("--TestHost:Store=sqlite", $"--TestHost:DataSource={path}");
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"SqliteTicketStoreOptions.DataSource = '{path}'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_process_with_a_closed_PostgreSQL_port_exits_non_zero_naming_the_host_not_the_password()
    {
        var port = ClosedPort();
        var (exitCode, output) = await RunTestHostAsync("--TestHost:Store=postgres", $"--TestHost:ConnectionString=Host=127.0.0.1;Port={port};Database=crm;Username=crm;Password=s3cret-pw;Timeout=5");
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"PostgreSqlTicketStoreOptions.ConnectionString = 'Host=127.0.0.1;Port={port};Database=crm;Username=crm'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_process_with_a_good_store_starts_and_exits_zero()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aftersales-start-").FullName, "crm.db");
        var (exitCode, output) = await RunTestHostAsync("--TestHost:Store=sqlite", $"--TestHost:DataSource={path}", "--TestHost:StopWhenStarted=true");
        Assert.Equal(0, exitCode);
        Assert.Contains("Application started", output, StringComparison.Ordinal);
    }

    internal static async Task<(int ExitCode, string Output)> RunTestHostAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AfterSales.Quality.Hosting.TestHost.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // A safety net against a hung child, not a timing assertion.
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(safety.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The test host did not exit: " + await stdout + await stderr);
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed class StartedProbe : IHostedService
    {
        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
