using System.Net;
using System.Net.Sockets;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Npgsql;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>Real PostgreSQL failures (backends terminated by the server, a port nobody listens on any more) reach callers as <see cref="TicketStoreUnavailableException"/>.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlUnavailableTests(PostgreSqlServer server)
{
    private static IReadOnlyList<TicketEvent> Events(TicketId id, int count) => TicketStoreSpecification<PostgreSqlTicketStore>.OneOfEach(id).Skip(0).Take(count).ToArray();

    /// <summary>Terminates every backend of <paramref name="application"/> (pg_terminate_backend) and waits until they are gone.</summary>
    private async Task TerminateAsync(string application)
    {
        await using var admin = new NpgsqlConnection(server.ConnectionString + ";Pooling=false");
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app", admin);
        terminate.Parameters.AddWithValue("app", application);
        Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0);
        await using var left = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @app", admin);
        left.Parameters.AddWithValue("app", application);
        while ((long)(await left.ExecuteScalarAsync())! > 0)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_call_on_a_backend_terminated_by_the_server_is_a_transient_unavailable_error_and_the_next_call_works()
    {
        var application = "victim-" + Guid.NewGuid().ToString("N")[..8];
        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            AllowPlaintextPersonalData = true,
            ConnectionString = server.ConnectionString + $";Application Name={application};Maximum Pool Size=1",
            Schema = PostgreSqlServer.NewSchema(),
        });
        var id = TicketId.New();
        await store.AppendAsync(id, 0, Events(id, 1));

        var calls = new (string Operation, Func<Task> Call)[]
        {
            ("AppendAsync", async () => await store.AppendAsync(id, 1, Events(id, 2).Skip(1).ToArray())),
            ("AppendBatchAsync", async () => await store.AppendBatchAsync([new TicketAppend(id, 1, Events(id, 2).Skip(1).ToArray())])),
            ("ReadStreamAsync", async () => await store.ReadStreamAsync(id)),
            ("ReadFeedAsync", async () => await store.ReadFeedAsync(0).ToListAsync()),
            ("NextAsync", async () => await store.NextAsync("F:20240301")),
        };
        foreach (var (operation, call) in calls)
        {
            await store.ReadStreamAsync(id); // a pooled connection, then its backend is killed
            await TerminateAsync(application);
            var error = await Assert.ThrowsAsync<TicketStoreUnavailableException>(call);
            Assert.Equal((operation, "PostgreSQL", true), (error.Operation, error.Store, error.IsTransient));
            Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
            Assert.Contains("retry with the same CommandId", error.Message, StringComparison.Ordinal);
        }

        // Nothing was appended by the failed calls; the pool replaced the broken connection.
        Assert.Equal(1, (await store.ReadStreamAsync(id)).Version);
        await store.AppendAsync(id, 1, Events(id, 2).Skip(1).ToArray());
        Assert.Equal(2, (await store.ReadStreamAsync(id)).Version);
    }

    [Fact]
    public async Task A_call_to_a_port_that_closed_after_opening_is_a_transient_unavailable_error()
    {
        var target = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        await using var proxy = new TcpForwarder(target.Host!, target.Port);
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Pooling = false, Timeout = 5 };
        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { AllowPlaintextPersonalData = true, ConnectionString = builder.ConnectionString, Schema = PostgreSqlServer.NewSchema() });
        var id = TicketId.New();
        await store.AppendAsync(id, 0, Events(id, 1));

        await proxy.DisposeAsync(); // the port is closed now: connection refused
        var append = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.AppendAsync(id, 1, Events(id, 2).Skip(1).ToArray()));
        var read = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.ReadStreamAsync(id));
        Assert.All(new[] { append, read }, error =>
        {
            Assert.True(error.IsTransient);
            Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        });
    }

    /// <summary>A TCP forwarder on a local port to the server, so the test can close "the server's" port.</summary>
    private sealed class TcpForwarder : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly List<TcpClient> clients = [];
        private readonly Task accepting;
        private bool disposed;

        public TcpForwarder(string host, int port)
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            accepting = AcceptAsync(host, port);
        }

        public int Port { get; }

        private async Task AcceptAsync(string host, int port)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var inbound = await listener.AcceptTcpClientAsync(stop.Token);
                    var outbound = new TcpClient();
                    await outbound.ConnectAsync(host, port, stop.Token);
                    lock (clients)
                    {
                        clients.Add(inbound);
                        clients.Add(outbound);
                    }

                    _ = PipeAsync(inbound.GetStream(), outbound.GetStream());
                    _ = PipeAsync(outbound.GetStream(), inbound.GetStream());
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task PipeAsync(Stream from, Stream to)
        {
            try
            {
                await from.CopyToAsync(to, stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            await stop.CancelAsync();
            listener.Stop();
            lock (clients)
            {
                clients.ForEach(c => c.Dispose());
            }

            await accepting;
            stop.Dispose();
        }
    }
}

/// <summary>The PostgreSQL store finds a ticket by its feedback number (schema version 7's index).</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlFeedbackNumberTests(PostgreSqlServer server)
{
    [Fact]
    public async Task A_ticket_is_found_by_its_feedback_number_and_an_unknown_number_is_not()
    {
        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { AllowPlaintextPersonalData = true, ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema() });
        var id = TicketId.New();
        var events = TicketStoreSpecification<PostgreSqlTicketStore>.OneOfEach(id).Take(2).ToArray();
        await store.AppendAsync(id, 0, events);
        var number = Assert.IsType<TicketRegistered>(events[0]).FeedbackNumber;
        Assert.Equal(id, await store.FindByFeedbackNumberAsync(number));
        Assert.Null(await store.FindByFeedbackNumberAsync(number + "9"));
        Assert.Equal(9, await store.GetSchemaVersionAsync());
    }
}
