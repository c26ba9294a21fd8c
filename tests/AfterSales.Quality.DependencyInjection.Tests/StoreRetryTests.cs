using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>
/// UseStoreRetry: a command whose append failed transiently — before or after it committed — is run again
/// with the same command id and applied exactly once, on a real SQLite store in a real host.
/// </summary>
[Collection("telemetry")]
public sealed class StoreRetryTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    private static async Task<(IHost Host, FlakyStore Store)> StartAsync(bool retry)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging();
        var path = Path.Combine(Directory.CreateTempSubdirectory("aftersales-retry-").FullName, "retry.db");
        var store = new FlakyStore(new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path }));
        var quality = builder.Services.AddAfterSalesQuality().UseStore(_ => store).UseClock(new FakeClock(Now));
        if (retry)
        {
            quality.UseStoreRetry(o => o.Delay = TimeSpan.Zero);
        }

        var host = builder.Build();
        await host.StartAsync();
        return (host, store);
    }

    private static RegisterTicket Register(TicketId id, Guid commandId) => new()
    {
        TicketId = id, CommandId = commandId, Actor = "agent",
        Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", ProductModel = "Phone Pro", ReceivedAt = Now, Description = "battery", Owner = "agent" },
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_registration_whose_append_failed_transiently_is_applied_exactly_once_with_one_feedback_number(bool committedBeforeTheFailure)
    {
        var (host, store) = await StartAsync(retry: true);
        using (host)
        {
            var service = host.Services.GetRequiredService<TicketService>();
            var id = TicketId.New();
            store.FailNextAppend(afterCommit: committedBeforeTheFailure);
            var result = await service.ExecuteAsync(Register(id, Guid.NewGuid()));

            Assert.Equal(committedBeforeTheFailure, result.AlreadyApplied);
            var history = await service.GetHistoryAsync(id);
            var registered = Assert.IsType<TicketRegistered>(Assert.Single(history).Event);
            Assert.Equal(registered.FeedbackNumber, result.Ticket.FeedbackNumber);
            // A committed attempt is recognised by the retry's read and not appended again; an uncommitted one is appended by the retry.
            Assert.Equal(committedBeforeTheFailure ? 1 : 2, store.Appends);
            // One number consumed per attempt that reached the sequence; the stored one is the first when the first attempt committed.
            Assert.Equal(committedBeforeTheFailure ? "F20240301001" : "F20240301002", registered.FeedbackNumber);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_later_command_retried_after_a_failure_past_its_commit_is_not_applied_twice()
    {
        var (host, store) = await StartAsync(retry: true);
        using (host)
        {
            var service = host.Services.GetRequiredService<TicketService>();
            var id = TicketId.New();
            await service.ExecuteAsync(Register(id, Guid.NewGuid()));
            await service.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment() });
            var assign = new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "agent-wang" };
            store.FailNextAppend(afterCommit: true);
            var result = await service.ExecuteAsync(assign);
            Assert.True(result.AlreadyApplied);
            Assert.Single(await service.GetHistoryAsync(id), e => e.Event is TicketAssigned);
            Assert.Equal("agent-wang", (await service.GetAsync(id)).Assignee);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Without_the_retry_the_caller_gets_the_exception_and_retrying_with_the_same_command_id_applies_once()
    {
        var (host, store) = await StartAsync(retry: false);
        using (host)
        {
            var service = host.Services.GetRequiredService<TicketService>();
            var id = TicketId.New();
            var command = Register(id, Guid.NewGuid());
            store.FailNextAppend(afterCommit: true);
            var error = await Assert.ThrowsAsync<TicketStoreUnavailableException>(() => service.ExecuteAsync(command));
            Assert.True(error.IsTransient);
            var again = await service.ExecuteAsync(command); // the documented rule: retry with the same CommandId
            Assert.True(again.AlreadyApplied);
            Assert.Single(await service.GetHistoryAsync(id));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_is_not_retried()
    {
        var (host, store) = await StartAsync(retry: true);
        using (host)
        {
            var service = host.Services.GetRequiredService<TicketService>();
            store.FailNextAppend(afterCommit: false, transient: false);
            var error = await Assert.ThrowsAsync<TicketStoreUnavailableException>(() => service.ExecuteAsync(Register(TicketId.New(), Guid.NewGuid())));
            Assert.False(error.IsTransient);
            Assert.Equal(1, store.Appends);
            await host.StopAsync();
        }
    }

    /// <summary>A real SQLite store whose next append fails as a lost connection would: before its commit, or after it (the caller cannot tell which).</summary>
    private sealed class FlakyStore(SqliteTicketStore inner) : ITicketStore, ISequenceStore, IDisposable
    {
        private (bool AfterCommit, bool Transient)? failure;

        public int Appends { get; private set; }

        public void FailNextAppend(bool afterCommit, bool transient = true)
        {
            failure = (afterCommit, transient);
            Appends = 0;
        }

        public async ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
        {
            Appends++;
            if (failure is not { } f)
            {
                return await inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);
            }

            failure = null;
            if (f.AfterCommit)
            {
                await inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);
            }

            throw new TicketStoreUnavailableException("SQLite", nameof(AppendAsync), f.Transient, new SqliteException(f.Transient ? "database is locked" : "disk I/O error", f.Transient ? 5 : 10));
        }

        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);

        public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default) => inner.NextAsync(key, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
