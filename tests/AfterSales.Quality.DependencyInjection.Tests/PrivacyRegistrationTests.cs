using AfterSales.Quality.Numbering;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Sqlite.DependencyInjection;
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

/// <summary>AddAfterSalesQuality registers the guard, the exporter and the store's audit; the access policy is the host's to replace.</summary>
public sealed class PrivacyRegistrationTests : IDisposable
{
    private const string Phone = "13812345678";
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-privacy-di-").FullName;
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));

    [Fact]
    public async Task A_sqlite_host_resolves_the_guard_and_the_exporter_over_the_stores_own_audit()
    {
        using var host = Build(services => { });
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<SqliteTicketStore>();
            Assert.Same(store, host.Services.GetRequiredService<IPersonalDataAccessAudit>());
            Assert.IsType<WorkingPeopleAccessPolicy>(host.Services.GetRequiredService<IPersonalDataAccessPolicy>());
            Assert.Same(host.Services.GetRequiredService<PersonalDataGuard>(), host.Services.GetRequiredService<PersonalDataGuard>());
            var service = host.Services.GetRequiredService<TicketService>();
            var first = await RegisterAsync(service, "C10086");
            var second = await RegisterAsync(service, "C10086");
            var other = await RegisterAsync(service, "C20000");

            var guard = host.Services.GetRequiredService<PersonalDataGuard>();
            var stranger = await guard.ViewHistoryAsync(await service.GetHistoryAsync(first), new Viewer("agent-zhou", new HashSet<string>()), "ticket screen");
            Assert.Equal(PersonalDataAccessDecision.Denied, stranger.Decision);
            Assert.Equal(PersonalDataGuard.Withheld, stranger.Ticket.Intake!.Description);
            var owner = await guard.ViewHistoryAsync(await service.GetHistoryAsync(first), new Viewer("agent-li", new HashSet<string>()), "ticket screen");
            Assert.Contains(Phone, owner.Ticket.Intake!.Description, StringComparison.Ordinal);

            var export = await host.Services.GetRequiredService<CustomerDataExporter>().ExportAsync(new CustomerDataAccessRequest
            {
                Requester = new Viewer("agent-li", new HashSet<string>()), Purpose = "PIPL-45 request 1", TicketId = first,
            });
            Assert.Equal([first, second], export.Tickets.Select(t => t.TicketId));

            // Every decision is in the SQLite file: two views and the export of the first ticket.
            var records = await store.ListAccessesAsync(first);
            Assert.Equal(
                [(PersonalDataAccessKind.View, PersonalDataAccessDecision.Denied, "agent-zhou"), (PersonalDataAccessKind.View, PersonalDataAccessDecision.Allowed, "agent-li"), (PersonalDataAccessKind.Export, PersonalDataAccessDecision.Allowed, "agent-li")],
                records.Select(r => (r.Kind, r.Decision, r.Actor)));

            // Erasure by one of the customer's tickets reaches the other, not the other customer's.
            var erased = await service.EraseCustomerAsync(second, "dpo", "PIPL-47 request 1");
            Assert.Equal([first, second], erased);
            Assert.Equal(PersonalDataErased.Placeholder, (await service.GetAsync(first)).Intake!.Description);
            Assert.Equal(PersonalDataErased.Placeholder, (await service.GetAsync(second)).Intake!.Description);
            Assert.Contains(Phone, (await service.GetAsync(other)).Intake!.Description, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_hosts_own_access_policy_replaces_the_default_whether_registered_before_or_after()
    {
        foreach (var before in new[] { true, false })
        {
            var everyone = new EveryonePolicy();
            using var host = Build(services =>
            {
                if (before)
                {
                    services.AddSingleton<IPersonalDataAccessPolicy>(everyone);
                }
            }, after: services =>
            {
                if (!before)
                {
                    services.AddSingleton<IPersonalDataAccessPolicy>(everyone);
                }
            });
            await host.StartAsync();
            try
            {
                var service = host.Services.GetRequiredService<TicketService>();
                var id = await RegisterAsync(service, "C1");
                var view = await host.Services.GetRequiredService<PersonalDataGuard>().ViewHistoryAsync(await service.GetHistoryAsync(id), new Viewer("agent-zhou", new HashSet<string>()), "ticket screen");
                Assert.Equal(PersonalDataAccessDecision.Allowed, view.Decision);
                Assert.Same(everyone, host.Services.GetRequiredService<IPersonalDataAccessPolicy>());
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    [Fact]
    public async Task A_store_without_an_audit_gets_one_in_memory_and_a_warning()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging();
        builder.Services.AddAfterSalesQuality(_ => { }).UseStore(_ => new AuditlessStore()).UseClock(clock);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var audit = host.Services.GetRequiredService<IPersonalDataAccessAudit>();
            Assert.IsType<InMemoryPersonalDataAccessAudit>(audit);
            var service = host.Services.GetRequiredService<TicketService>();
            var id = await RegisterAsync(service, "C1");
            await host.Services.GetRequiredService<PersonalDataGuard>().ViewAsync(await service.GetAsync(id), new Viewer("agent-li", new HashSet<string>()), "ticket screen");
            Assert.Single(await audit.ListAccessesAsync(id));
            Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 3019 && r.Level == LogLevel.Warning && r.Message.Contains("AuditlessStore", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Erasing_the_customer_of_a_ticket_is_validated()
    {
        using var host = Build(services => { });
        await host.StartAsync();
        try
        {
            var service = host.Services.GetRequiredService<TicketService>();
            var invalid = await Assert.ThrowsAsync<QualityValidationException>(() => service.EraseCustomerAsync(default(TicketId), "dpo", "r"));
            Assert.Equal("ticketId", invalid.Errors.Single().Field);
            await Assert.ThrowsAsync<TicketNotFoundException>(() => service.EraseCustomerAsync(TicketId.New(), "dpo", "r"));
            var id = await RegisterAsync(service, "C1");
            await Assert.ThrowsAsync<QualityValidationException>(() => service.EraseCustomerAsync(id, " ", "r"));
            Assert.DoesNotContain((await service.GetHistoryAsync(id)).Select(e => e.Event), e => e is PersonalDataErased);
            Assert.Contains(Phone, (await service.GetAsync(id)).Intake!.Description, StringComparison.Ordinal);

            // A ticket without a customer number is erased alone; one already erased is erased again, alone.
            var anonymous = await RegisterAsync(service, null);
            Assert.Equal([anonymous], await service.EraseCustomerAsync(anonymous, "dpo", "PIPL-47 request 2"));
            Assert.Equal([anonymous], await service.EraseCustomerAsync(anonymous, "dpo", "PIPL-47 request 2"));
            Assert.Contains(Phone, (await service.GetAsync(id)).Intake!.Description, StringComparison.Ordinal);
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

    private IHost Build(Action<IServiceCollection> before, Action<IServiceCollection>? after = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        before(builder.Services);
        builder.Services.AddAfterSalesQuality(_ => { })
            .UseSqlite(o =>
            {
                o.DataSource = Path.Combine(directory, $"crm-{Guid.NewGuid():N}.db");
                o.MasterKeys = MasterKeyRing.CreateRandom();
            })
            .UseClock(clock);
        after?.Invoke(builder.Services);
        return builder.Build();
    }

    private async Task<TicketId> RegisterAsync(TicketService service, string? customerNumber)
    {
        var id = TicketId.New();
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li",
            Intake = new TicketIntake
            {
                CustomerName = "Zhang San", Contact = Phone, CustomerNumber = customerNumber, ProductModel = "Phone Pro", Channel = Prioritization.ServiceChannel.Phone,
                ReceivedAt = clock.GetCurrentInstant(), Description = $"battery drains, call me on {Phone}", Owner = "agent-li",
            },
        });
        return id;
    }

    private sealed class EveryonePolicy : IPersonalDataAccessPolicy
    {
        public bool MayReadPersonalData(Ticket ticket, Viewer viewer) => true;
    }

    /// <summary>A store of the host's own that keeps no audit of personal-data access.</summary>
    private sealed class AuditlessStore : ITicketStore, ISequenceStore
    {
        private readonly InMemoryTicketStore inner = new();

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(ticketId, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => inner.ReadFeedAsync(afterPosition, cancellationToken);

        public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default) => inner.NextAsync(key, cancellationToken);
    }
}
