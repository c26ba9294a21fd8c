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
        Services.AddSingleton(factory);
        Services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<TStore>());
        Services.AddSingleton<ISequenceStore>(sp => sp.GetRequiredService<TStore>());
        if (typeof(IImprovementPlanStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IImprovementPlanStore)sp.GetRequiredService<TStore>());
        }
        return this;
    }

    /// <summary>Replaces the clock (default: the system clock). Tests inject a <c>FakeClock</c>.</summary>
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
