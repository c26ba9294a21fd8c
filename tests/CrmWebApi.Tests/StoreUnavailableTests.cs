using System.Net;
using Microsoft.Data.Sqlite;
using static CrmWebApi.Tests.CrmApiHost;

namespace CrmWebApi.Tests;

/// <summary>A real store failure — the SQLite write lock held by another connection — answers 503 with Retry-After.</summary>
public sealed class StoreUnavailableTests
{
    [Fact]
    public async Task A_held_write_lock_answers_503_with_Retry_After_and_the_retry_with_the_same_key_is_applied_once()
    {
        await using var host = await StartAsync("--CrmWebApi:StoreBusyTimeoutSeconds=1", "--CrmWebApi:RetryAfterSeconds=2");
        var first = await host.RegisterAsync();
        var body = new { customerName = "Wang Wu", contact = "13700002222", productModel = "Phone Pro", channel = "phone", description = "screen flickers" };
        var key = Guid.NewGuid().ToString();

        // Another process of the CRM (a migration, a backup tool) holds the write lock longer than the busy timeout.
        await using (var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = host.DatabasePath, Pooling = false }.ToString()))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }

            using var refused = await host.PostAsync("/tickets", body, idempotencyKey: key);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter!.Delta);
            var problem = await Json(refused);
            Assert.True(problem["transient"]!.GetValue<bool>());
            Assert.Contains("same Idempotency-Key", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("Wang Wu", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Reads without personal data do not need the write lock (WAL): the API still answers them.
            using var history = await host.Client.GetAsync($"/tickets/{first}/history");
            Assert.Equal(HttpStatusCode.OK, history.StatusCode);

            // A ticket view writes its audit record before it answers (no read without its record): refused while the lock is held.
            using var read = await host.Client.GetAsync($"/tickets/{first}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.True((await Json(read))["transient"]!.GetValue<bool>());

            await using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        // The lock is gone: the view answers, the retry with the same key registers the ticket, and a second retry is a replay.
        using var view = await host.Client.GetAsync($"/tickets/{first}");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        using var retried = await host.PostAsync("/tickets", body, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var id = (await Json(retried))["id"]!.GetValue<string>();
        using var again = await host.PostAsync("/tickets", body, idempotencyKey: key);
        Assert.True(again.IsSuccessStatusCode, again.StatusCode.ToString());
        Assert.Equal(id, (await Json(again))["id"]!.GetValue<string>());

        using var kpi = await host.Client.GetAsync("/kpi");
        Assert.Equal(HttpStatusCode.OK, kpi.StatusCode);
        Assert.Equal(2, (await Json(kpi))["groups"]![0]!["counts"]!["tickets"]!.GetValue<long>()); // applied once
    }
}
