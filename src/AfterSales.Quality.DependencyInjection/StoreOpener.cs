using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// Opens a store that needs I/O to open (a file to migrate, a server to reach) once, asynchronously,
/// when the host starts; until then resolving the store is an error that says how to open it.
/// Owns the store until it has been handed out (the container disposes it from then on).
/// </summary>
internal sealed class StoreOpener(Type storeType, Func<CancellationToken, ValueTask<object>> open) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private object? store;
    private bool handedOut;

    public Type StoreType { get; } = storeType;

    public bool IsOpen => Volatile.Read(ref store) is not null;

    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        if (IsOpen)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsOpen)
            {
                Volatile.Write(ref store, await open(cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public object Store
    {
        get
        {
            var opened = Volatile.Read(ref store) ?? throw new InvalidOperationException(
                $"The AfterSales.Quality ticket store ({StoreType.Name}) is opened when the host starts, and it was resolved before that. "
                + "Resolve the ticket service after the host has started (not in a hosted service's constructor), "
                + "or, without a host, call 'await serviceProvider.OpenAfterSalesQualityStoreAsync()' first.");
            handedOut = true;
            return opened;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!handedOut)
        {
            switch (Volatile.Read(ref store))
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        gate.Dispose();
    }
}

/// <summary>Opens the store in <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted service starts.</summary>
internal sealed class StoreStartupService(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => services.OpenAfterSalesQualityStoreAsync(cancellationToken).AsTask();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Opens the ticket store of a service provider built without a host.</summary>
public static class ServiceProviderExtensions
{
    /// <summary>
    /// Opens (and creates or migrates) the chosen ticket store, asynchronously. A host does this by
    /// itself while starting (before "Application started"); call it when you build a service
    /// provider without a host, before resolving the ticket service. Idempotent.
    /// </summary>
    /// <param name="services">The provider built from a collection with <c>AddAfterSalesQuality</c>.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <returns>A task that completes when the store is open.</returns>
    /// <exception cref="TicketStoreStartupException">The store could not be opened; the message names the key and the file or server.</exception>
    public static async ValueTask OpenAfterSalesQualityStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<StoreOpener>() is { } opener)
        {
            await opener.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        // A store created by a plain factory (in memory, your own) is created now too, so a failing factory stops the start.
        _ = services.GetService<AfterSales.Quality.Storage.ITicketStore>();
    }
}
