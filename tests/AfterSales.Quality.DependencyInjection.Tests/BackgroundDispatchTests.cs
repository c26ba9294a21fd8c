using System.Collections.Concurrent;
using System.Diagnostics;
using AfterSales.Quality.Hosting.TestHost;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>One node on SQLite: what is handed over after a kill -9, a handler that throws, a stop in the middle of a batch.</summary>
[Collection("telemetry")]
public sealed class BackgroundDispatchTests
{
    private const string LastScan = "aftersales.sla-monitor.last-scan";
    private static readonly Instant T0 = Instant.FromUtc(2024, 3, 1, 2, 0);
    private static readonly Instant T1 = T0 + Duration.FromHours(100);

    internal static async Task Eventually(Func<bool> condition, string what, int seconds = 60)
    {
        var watch = Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), $"not within {seconds} s: {what}");
    }

    /// <summary>A SQLite file with <paramref name="open"/> P1 tickets that run out of time and <paramref name="resolved"/> resolved ones (a survey each), the scan checkpoint at T0.</summary>
    private static async Task<(string Path, IReadOnlyList<string> Alerts, IReadOnlyList<string> Surveys)> SeedAsync(int open, int resolved)
    {
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("aftersales-dispatch-").FullName, "crm.db");
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path });
        var clock = new FakeClock(T0);
        var tickets = new TicketService(store, store, clock);
        var ids = new List<TicketId>();
        for (var i = 0; i < open + resolved; i++)
        {
            var id = TicketId.New();
            ids.Add(id);
            await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = T0, Description = "d", Owner = "a" } });
            if (i < open)
            {
                await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });
            }
            else
            {
                await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.Suggestion, Assessment = new PriorityAssessment() });
                await tickets.ExecuteAsync(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "b" });
                await tickets.ExecuteAsync(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "b" });
                await tickets.ExecuteAsync(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "b", Solution = "answered" });
            }
        }

        await store.SetCheckpointAsync(LastScan, T0.ToUnixTimeTicks());
        var policies = new AfterSalesQualityOptions().ToSlaPolicySet();
        var alerts = new List<string>();
        foreach (var id in ids)
        {
            var history = (await store.ReadStreamAsync(id)).Events.Select(e => e.Event).ToArray();
            alerts.AddRange(SlaClock.Evaluate(history, policies, T1).AlertsBetween(T0, T1).Select(a => a.Id));
        }

        Assert.True(alerts.Count >= 2 * open, $"the seed raises {alerts.Count} alerts");
        Assert.Equal(alerts.Count, alerts.Distinct().Count());
        return (path, alerts, ids.Skip(open).Select(id => new SurveyDue(id, "", 1, T0).Id).ToArray());
    }

    private sealed class Recorder(Func<string, CancellationToken, Task>? before = null) : ISlaAlertHandler, ISurveyDueHandler
    {
        public ConcurrentQueue<string> Alerts { get; } = new();

        public ConcurrentQueue<string> Surveys { get; } = new();

        public async Task HandleAsync(SlaAlert alert, CancellationToken cancellationToken)
        {
            if (before is not null)
            {
                await before(alert.Id, cancellationToken);
            }

            Alerts.Enqueue(alert.Id);
        }

        public async Task HandleAsync(SurveyDue survey, CancellationToken cancellationToken)
        {
            if (before is not null)
            {
                await before(survey.Id, cancellationToken);
            }

            Surveys.Enqueue(survey.Id);
        }
    }

    private static IHost SqliteHost(string path, IClock clock, Recorder recorder)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddAfterSalesQuality(o => o.ScanInterval = TimeSpan.FromSeconds(1)).UseSqlite(o => { o.DataSource = path; o.AllowPlaintextPersonalData = true; }).UseClock(clock);
        builder.Services.AddSingleton<ISlaAlertHandler>(recorder);
        builder.Services.AddSingleton<ISurveyDueHandler>(recorder);
        return builder.Build();
    }

    private static long Dispatched(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM dispatched";
        return (long)command.ExecuteScalar()!;
    }

    private static HashSet<string> DispatchedIds(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM dispatched";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    [Fact]
    public async Task A_host_killed_in_a_batch_resumes_with_what_it_had_not_handled_and_repeats_nothing_it_had()
    {
        var (path, alerts, surveys) = await SeedAsync(open: 6, resolved: 2);
        var handledFile = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "handled.txt");
        const int handledBeforeKill = 5;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "AfterSales.Quality.Hosting.TestHost.dll"));
        foreach (var argument in new[] { "--TestHost:Store=sqlite", $"--TestHost:DataSource={path}", $"--TestHost:HandledFile={handledFile}", $"--TestHost:HangAfter={handledBeforeKill}", "--AfterSalesQuality:ScanInterval=00:00:01" }
                     .Concat(new ScaledClock(T1, 0, 0).ToArguments()))
        {
            start.ArgumentList.Add(argument);
        }

        using (var child = Process.Start(start)!)
        {
            child.OutputDataReceived += (_, _) => { };
            child.ErrorDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();

            // Five handled and recorded, the sixth hangs in its handler: kill -9 in the middle of the batch.
            await Eventually(() => File.Exists(path) && Dispatched(path) == handledBeforeKill, "the child handles five alerts");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        var first = File.ReadAllLines(handledFile);
        Assert.Equal(handledBeforeKill, first.Length);
        Assert.Equal(first.ToHashSet(), DispatchedIds(path));

        var recorder = new Recorder();
        using (var host = SqliteHost(path, new FakeClock(T1), recorder))
        {
            await host.StartAsync();
            await Eventually(() => recorder.Alerts.Count >= alerts.Count - handledBeforeKill && recorder.Surveys.Count >= surveys.Count, "the restarted host hands the rest over");
            await host.StopAsync();
        }

        Assert.Empty(recorder.Alerts.Intersect(first));
        Assert.Equal(recorder.Alerts.Count, recorder.Alerts.Distinct().Count());
        Assert.Equal(alerts.Order(StringComparer.Ordinal), first.Concat(recorder.Alerts).Order(StringComparer.Ordinal));
        Assert.Equal(surveys.Order(StringComparer.Ordinal), recorder.Surveys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_throws_is_retried_at_the_next_scan_and_then_recorded_once()
    {
        var (path, alerts, surveys) = await SeedAsync(open: 1, resolved: 1);
        var attempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var recorder = new Recorder((id, _) =>
        {
            // Every alert and survey fails on its first hand-over.
            return attempts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1 ? throw new InvalidOperationException("the SMS gateway is down") : Task.CompletedTask;
        });
        using (var host = SqliteHost(path, new FakeClock(T1), recorder))
        {
            await host.StartAsync();
            await Eventually(() => recorder.Alerts.Count == alerts.Count && recorder.Surveys.Count == surveys.Count, "every alert and survey is handed over again after its handler threw");
            await host.StopAsync();
        }

        Assert.Equal(alerts.Order(StringComparer.Ordinal), recorder.Alerts.Order(StringComparer.Ordinal));
        Assert.Equal(surveys, recorder.Surveys);
        Assert.Equal(alerts.Concat(surveys).ToHashSet(), DispatchedIds(path));

        // Recorded once handled: a restart hands nothing over again.
        var again = new Recorder();
        using (var host = SqliteHost(path, new FakeClock(T1), again))
        {
            await host.StartAsync();
            // A second scan starts only once the first one has handed everything over.
            await Eventually(() => host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Count(r => r.Id.Id == 3001) >= 2, "two scans");
            await host.StopAsync();
        }

        Assert.Empty(again.Alerts);
        Assert.Empty(again.Surveys);
    }

    [Fact]
    public async Task A_stop_in_the_middle_of_a_batch_finishes_the_batch_first()
    {
        var (path, alerts, _) = await SeedAsync(open: 6, resolved: 0);
        IHost? current = null;
        var entered = new TaskCompletionSource();
        var recorder = new Recorder(async (_, cancellationToken) =>
        {
            if (entered.TrySetResult())
            {
                // Hold the first alert until the host has asked the service to stop.
                await Eventually(() => current!.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Any(r => r.Id.Id == 3004), "the stop request");
            }

            cancellationToken.ThrowIfCancellationRequested(); // a handler that honours its token
        });
        using (var host = SqliteHost(path, new FakeClock(T1), recorder))
        {
            current = host;
            await host.StartAsync();
            await entered.Task.WaitAsync(TimeSpan.FromMinutes(1));
            await host.StopAsync();
        }

        Assert.Equal(alerts.Order(StringComparer.Ordinal), recorder.Alerts.Order(StringComparer.Ordinal));
        Assert.Equal(alerts.ToHashSet(), DispatchedIds(path));
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path });
        Assert.Equal(T1.ToUnixTimeTicks(), await store.GetCheckpointAsync(LastScan));
    }
}
