using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>The background-work lease, the fenced checkpoint, the dispatch ledger and feed notifications on a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlLeaseTests(PostgreSqlServer server)
{
    private Task<PostgreSqlTicketStore> OpenAsync() =>
        PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { AllowPlaintextPersonalData = true, ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema() });

    [Fact]
    public async Task One_holder_at_a_time_a_new_holder_gets_a_larger_token_and_the_old_one_can_no_longer_move_the_checkpoint()
    {
        await using var store = await OpenAsync();
        var a = await store.TryAcquireLeaseAsync("work", "a", Duration.FromSeconds(60));
        Assert.Equal(1, a);
        Assert.Null(await store.TryAcquireLeaseAsync("work", "b", Duration.FromSeconds(60)));
        Assert.Equal(a, await store.TryAcquireLeaseAsync("work", "a", Duration.FromSeconds(60))); // a renewal keeps the token

        Assert.True(await store.AdvanceCheckpointAsync("scan", 100, "work", a!.Value));
        Assert.True(await store.AdvanceCheckpointAsync("scan", 50, "work", a.Value)); // accepted, but never backwards
        Assert.Equal(100, await store.GetCheckpointAsync("scan"));

        await store.ReleaseLeaseAsync("work", "a");
        var b = await store.TryAcquireLeaseAsync("work", "b", Duration.FromSeconds(60));
        Assert.Equal(2, b);
        Assert.False(await store.AdvanceCheckpointAsync("scan", 500, "work", a.Value)); // fenced: the old holder writes nothing
        Assert.Equal(100, await store.GetCheckpointAsync("scan"));
        Assert.True(await store.AdvanceCheckpointAsync("scan", 500, "work", b!.Value));
        Assert.Equal(500, await store.GetCheckpointAsync("scan"));
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_on_the_servers_clock()
    {
        await using var store = await OpenAsync();
        Assert.Equal(1, await store.TryAcquireLeaseAsync("work", "a", Duration.FromMilliseconds(200)));
        long? b = null;
        for (var i = 0; i < 600 && b is null; i++)
        {
            b = await store.TryAcquireLeaseAsync("work", "b", Duration.FromSeconds(60));
            await Task.Delay(50);
        }

        Assert.Equal(2, b);
        Assert.Null(await store.TryAcquireLeaseAsync("work", "a", Duration.FromSeconds(60)));
    }

    [Fact]
    public async Task The_dispatch_ledger_records_an_id_once()
    {
        await using var store = await OpenAsync();
        Assert.False(await store.IsDispatchedAsync("sla:x"));
        await store.RecordDispatchedAsync("sla:x", Instant.FromUtc(2024, 3, 1, 0, 0));
        await store.RecordDispatchedAsync("sla:x", Instant.FromUtc(2024, 3, 2, 0, 0));
        Assert.True(await store.IsDispatchedAsync("sla:x"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.IsDispatchedAsync(new string('x', 201)));
    }

    [Fact]
    public async Task Pruning_the_dispatch_ledger_removes_the_records_handled_before_the_instant()
    {
        await using var store = await OpenAsync();
        var t = Instant.FromUtc(2024, 3, 1, 0, 0);
        await store.RecordDispatchedAsync("sla:old", t);
        await store.RecordDispatchedAsync("sla:later", t + Duration.FromMilliseconds(500));
        await store.RecordDispatchedAsync("survey:new", t + Duration.FromDays(2));

        Assert.Equal(1, await store.PruneDispatchedAsync(t + Duration.FromMilliseconds(250)));
        Assert.False(await store.IsDispatchedAsync("sla:old"));
        Assert.True(await store.IsDispatchedAsync("sla:later"));
        Assert.Equal(1, await store.PruneDispatchedAsync(t + Duration.FromDays(1)));
        Assert.Equal(0, await store.PruneDispatchedAsync(t + Duration.FromDays(1)));
        Assert.True(await store.IsDispatchedAsync("survey:new"));
    }

    [Fact]
    public async Task A_listener_is_woken_by_an_append_to_its_schema()
    {
        await using var store = await OpenAsync();
        var calls = 0;
        var woken = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var listening = store.ListenAsync(() =>
        {
            if (Interlocked.Increment(ref calls) >= 2)
            {
                woken.TrySetResult(); // the first call is the one when listening starts
            }
        }, stop.Token);
        for (var i = 0; i < 600 && Volatile.Read(ref calls) == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, Volatile.Read(ref calls));
        var id = TicketId.New();
        await store.AppendAsync(id, 0, [new TicketRegistered
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", OccurredAt = Instant.FromUtc(2024, 3, 1, 0, 0), FeedbackNumber = "F-1",
            Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = Instant.FromUtc(2024, 3, 1, 0, 0), Description = "d", Owner = "a" },
        }]);
        await woken.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await listening;
    }
}
