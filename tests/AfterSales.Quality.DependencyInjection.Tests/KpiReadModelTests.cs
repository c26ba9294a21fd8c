using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary><c>AddAfterSalesQuality</c> registers the KPI read model: one projection, caught up before each query, safe to share.</summary>
public sealed class KpiReadModelTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    [Fact]
    public async Task Concurrent_commands_and_queries_share_one_read_model_and_each_query_sees_the_commands_completed_before_it()
    {
        var clock = new FakeClock(Now);
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o => o.TimeZone = "Asia/Shanghai").UseInMemory().UseClock(clock);
        await using var provider = services.BuildServiceProvider();
        var model = provider.GetRequiredService<KpiReadModel>();
        Assert.Same(model, provider.GetRequiredService<KpiReadModel>());
        var tickets = provider.GetRequiredService<TicketService>();

        Assert.Equal("Asia/Shanghai", (await model.QueryAsync((projection, _) => projection.Facts.TimeZone)).Id); // the desk's zone

        const int Writers = 4, PerWriter = 25;
        var completed = 0;
        var violations = 0;
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var id = TicketId.New();
                await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = Now, Description = "d", Owner = "a" } });
                await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.Complaint, Assessment = new PriorityAssessment() });
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!writers.All(w => w.IsCompleted))
            {
                var before = Volatile.Read(ref completed);
                var seen = await model.QueryAsync((projection, _) => (int)KpiEngine.Aggregate(projection.Facts, new KpiQuery()).Sum(g => g.Aggregate.Tickets));
                if (seen < before)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers.Concat(readers));

        Assert.Equal(0, violations);
        var (total, complaints) = await model.QueryAsync((projection, _) =>
        {
            var all = KpiEngine.Aggregate(projection.Facts, new KpiQuery()).Single().Aggregate;
            return (all.Tickets, all.Complaints);
        });
        Assert.Equal((Writers * PerWriter, Writers * PerWriter), ((int)total, (int)complaints));
    }

    [Theory]
    [InlineData(false, 1L)]
    [InlineData(true, 0L)]
    public async Task The_read_model_measures_against_the_registered_SLA_policy_set(bool noPolicies, long firstResponseDue)
    {
        var clock = new FakeClock(Now);
        var services = new ServiceCollection();
        if (noPolicies)
        {
            services.AddSingleton(SlaPolicySet.Default with { Policies = [] }); // registered before: it replaces the desk's default
        }

        services.AddAfterSalesQuality().UseInMemory().UseClock(clock);
        await using var provider = services.BuildServiceProvider();
        var tickets = provider.GetRequiredService<TicketService>();
        var id = TicketId.New();
        await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = Now, Description = "d", Owner = "a" } });
        await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.Complaint, Assessment = new PriorityAssessment() });
        clock.Advance(Duration.FromDays(4)); // past every default first-response target: due (and breached) under the defaults

        var (total, due) = await provider.GetRequiredService<KpiReadModel>().QueryAsync((projection, _) =>
            KpiEngine.Aggregate(projection.Facts, new KpiQuery()).Single().Aggregate is var all ? (all.Tickets, all.FirstResponseSlaDue) : default);
        Assert.Equal((1L, firstResponseDue), (total, due));
    }

    [Fact]
    public async Task A_clock_that_steps_back_measures_at_the_last_instant_and_arguments_are_checked()
    {
        var clock = new FakeClock(Now);
        var services = new ServiceCollection();
        services.AddAfterSalesQuality().UseInMemory().UseClock(clock);
        await using var provider = services.BuildServiceProvider();
        var model = provider.GetRequiredService<KpiReadModel>();
        Assert.Equal(Now, await model.RefreshAsync());
        clock.Reset(Now - Duration.FromMinutes(5));
        Assert.Equal(Now, await model.QueryAsync((_, at) => at));

        Assert.Equal("query", (await Assert.ThrowsAsync<ArgumentNullException>(() => model.QueryAsync<int>(null!))).ParamName);
        Assert.Equal("projection", Assert.Throws<ArgumentNullException>(() => new KpiReadModel(null!, clock)).ParamName);
    }
    [Fact]
    public async Task A_new_host_starts_its_read_model_from_the_snapshot_the_last_one_wrote_and_answers_as_a_rebuild_would()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aftersales-kpi-snapshot-{Guid.NewGuid():N}.db");
        var clock = new FakeClock(Now);
        try
        {
            async Task<ServiceProvider> Host(TimeSpan interval)
            {
                var services = new ServiceCollection();
                services.AddAfterSalesQuality(o => { o.TimeZone = "Asia/Shanghai"; o.SnapshotInterval = interval; })
                    .UseSqlite(o => { o.DataSource = path; o.AllowPlaintextPersonalData = true; }).UseClock(clock);
                var provider = services.BuildServiceProvider();
                await provider.OpenAfterSalesQualityStoreAsync();
                return provider;
            }

            static Task<string> Facts(KpiReadModel model) => model.QueryAsync((p, at) =>
                $"{at} " + string.Join(";", KpiEngine.Aggregate(p.Facts, new KpiQuery { GroupBy = FactDimension.Category | FactDimension.Priority }).Select(g => $"{g.Key}:{g.Aggregate.Tickets}/{g.Values}")));

            string first;
            await using (var provider = await Host(TimeSpan.FromMinutes(5)))
            {
                var tickets = provider.GetRequiredService<TicketService>();
                for (var i = 0; i < 12; i++)
                {
                    var id = TicketId.New();
                    await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = Now, Description = "d", Owner = "a" } });
                    await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = i % 2 == 0 ? TicketCategory.Complaint : TicketCategory.ProductFault, Assessment = new PriorityAssessment() });
                }

                var model = provider.GetRequiredService<KpiReadModel>();
                first = await Facts(model);
                Assert.Equal(SnapshotStatus.Missing, model.Restored!.Status); // nothing to start from: rebuilt from the events
                await model.Snapshots!.Pending; // the first refresh wrote one, in the background
                Assert.Null(model.Snapshots.LastError);
                Assert.NotNull(model.Snapshots.LastWrittenPosition);
            }

            // The next host: restored from that snapshot; the same answer now, and hours later (clocks ran: the same as a rebuild).
            clock.Advance(Duration.FromHours(30));
            await using (var provider = await Host(TimeSpan.FromMinutes(5)))
            {
                var model = provider.GetRequiredService<KpiReadModel>();
                var later = await Facts(model);
                Assert.Equal(SnapshotStatus.Restored, model.Restored!.Status);
                await using var rebuilt = await Host(TimeSpan.Zero); // snapshots off: a rebuild from position 0
                var fresh = rebuilt.GetRequiredService<KpiReadModel>();
                Assert.Null(fresh.Snapshots);
                Assert.Equal(await Facts(fresh), later);
                Assert.NotEqual(first, later); // the 30 hours made first responses late: the restored facts were measured again
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }
        }
    }
}
