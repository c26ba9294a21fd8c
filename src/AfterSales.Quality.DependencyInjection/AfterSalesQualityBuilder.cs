using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>Chooses the store, the clock and further settings after <c>AddAfterSalesQuality</c>.</summary>
public sealed class AfterSalesQualityBuilder
{
    internal AfterSalesQualityBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for store packages that add their own <c>UseXxx</c> extensions.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps tickets in memory (tests and small single-process hosts; nothing survives a restart).</summary>
    /// <returns>This builder.</returns>
    public AfterSalesQualityBuilder UseInMemory()
    {
        UseStore(_ => new InMemoryTicketStore());
        Services.AddSingleton<IImprovementPlanStore, InMemoryImprovementPlanStore>();
        return this;
    }

    /// <summary>
    /// Uses a store of your own (or one from a store package): one object that is both the ticket log
    /// and the sequence store. When it also keeps improvement plans (<see cref="IImprovementPlanStore"/>),
    /// it is registered as that too, and <c>ImprovementPlanService</c> resolves over it.
    /// </summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="factory">Creates the store once, as a singleton.</param>
    /// <returns>This builder.</returns>
    public AfterSalesQualityBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, ITicketStore, ISequenceStore
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<TicketStoreRegistration>();
        Services.AddSingleton(new TicketStoreRegistration(typeof(TStore)));
        Services.RemoveAll<ITicketStore>();
        Services.RemoveAll<ISequenceStore>();
        Services.RemoveAll<IImprovementPlanStore>();
        Services.RemoveAll<StoreOpener>();
        Services.AddSingleton(factory);
        Services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<TStore>());
        Services.AddSingleton<ISequenceStore>(sp => sp.GetRequiredService<TStore>());
        if (typeof(IImprovementPlanStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IImprovementPlanStore)sp.GetRequiredService<TStore>());
        }
        return this;
    }

    /// <summary>
    /// Uses a store that needs I/O to open (a database to reach, a schema to migrate): <paramref name="openAsync"/>
    /// runs once, asynchronously, while the host starts (an <c>IHostedLifecycleService.StartingAsync</c>,
    /// before any hosted service and before "Application started"), so a store that cannot be opened stops
    /// the host with its error instead of failing later in a background service. Without a host, call
    /// <see cref="ServiceProviderExtensions.OpenAfterSalesQualityStoreAsync"/> before resolving the ticket service.
    /// Registered like <see cref="UseStore{TStore}(Func{IServiceProvider, TStore})"/> otherwise.
    /// </summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="openAsync">Opens the store; throw <see cref="TicketStoreStartupException"/> to name the configuration key.</param>
    /// <returns>This builder.</returns>
    public AfterSalesQualityBuilder UseStore<TStore>(Func<IServiceProvider, CancellationToken, ValueTask<TStore>> openAsync)
        where TStore : class, ITicketStore, ISequenceStore
    {
        ArgumentNullException.ThrowIfNull(openAsync);
        UseStore(sp => (TStore)sp.GetRequiredService<StoreOpener>().Store);
        Services.AddSingleton(sp => new StoreOpener(typeof(TStore), async cancellationToken => await openAsync(sp, cancellationToken).ConfigureAwait(false)));
        return this;
    }

    /// <summary>
    /// Retries each ticket command and read whose store call failed transiently
    /// (<see cref="TicketStoreUnavailableException.IsTransient"/>: a lock, a dropped connection, a restarting server),
    /// through a Polly v8 resilience pipeline. A retry runs the whole command again with the same <c>CommandId</c>:
    /// it re-reads the ticket, so a command that committed before the failure is applied exactly once (the retry
    /// returns <c>AlreadyApplied</c>). Defaults: 3 retries, 200 ms apart, exponential with jitter, each logged as a
    /// warning; <paramref name="configure"/> adjusts them (e.g. <c>MaxRetryAttempts</c>, <c>Delay</c>). Off unless called.
    /// </summary>
    /// <param name="configure">Adjusts the retry options; optional.</param>
    /// <returns>This builder.</returns>
    public AfterSalesQualityBuilder UseStoreRetry(Action<Polly.Retry.RetryStrategyOptions>? configure = null)
    {
        StoreRetryRegistration.Register(Services, configure);
        return this;
    }

    /// <summary>
    /// Uses a BCL <see cref="TimeProvider"/> as the library's clock (through <see cref="TimeProviderClock"/>) and for the
    /// background service's timers (the scan interval, the listener's retry delay), so a <c>FakeTimeProvider</c> drives SLA
    /// alerts and due surveys in a test host: advancing it by the scan interval runs the next scan. Without this call a
    /// <see cref="TimeProvider"/> registered in the services is picked up the same way, clock and timers; <see cref="UseClock"/> replaces
    /// either. Lease renewal keeps measuring real elapsed
    /// time (a lease expires on the server's clock, not on a fake one).
    /// </summary>
    /// <param name="timeProvider">The time provider.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public AfterSalesQualityBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return UseClock(new TimeProviderClock(timeProvider));
    }

    /// <summary>Replaces the clock (default: a registered <see cref="TimeProvider"/>, else the system clock). Tests inject a <c>FakeClock</c> (or see <see cref="UseTimeProvider"/>).</summary>
    /// <param name="clock">The clock.</param>
    /// <returns>This builder.</returns>
    public AfterSalesQualityBuilder UseClock(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Services.RemoveAll<IClock>();
        Services.AddSingleton(clock);
        return this;
    }

    /// <summary>Adjusts the options in code, after configuration binding.</summary>
    /// <param name="configure">The adjustment.</param>
    /// <returns>This builder.</returns>
    public AfterSalesQualityBuilder Configure(Action<AfterSalesQualityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}

/// <summary>Records which store was chosen, so a missing choice fails at start with a clear message.</summary>
internal sealed record TicketStoreRegistration(Type StoreType);
