using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>Registers AfterSales.Quality in a service collection.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the ticket service and its options (validated at start), the SLA policy set (<see cref="SlaPolicySet"/>, from
    /// <see cref="AfterSalesQualityOptions.ToSlaPolicySet"/>), the improvement plan service, the KPI read model
    /// (<see cref="ReadModels.KpiReadModel"/>: a thread-safe <see cref="ReadModels.TicketFactProjection"/> caught up before each
    /// query), the privacy services (<see cref="PersonalDataGuard"/> and <see cref="CustomerDataExporter"/> over the
    /// <see cref="IPersonalDataAccessPolicy"/> — by default <see cref="WorkingPeopleAccessPolicy"/> with no role, register your
    /// own to replace it — and the <see cref="IPersonalDataAccessAudit"/> of the store when it keeps one, in memory with a
    /// logged warning otherwise) and the background service: singletons, each added only when the service is not registered yet (a
    /// registration of your own made before wins). Choose a store on the returned
    /// builder (<see cref="AfterSalesQualityBuilder.UseInMemory"/>, a store package's <c>UseSqlite</c> /
    /// <c>UsePostgreSql</c>, or <see cref="AfterSalesQualityBuilder.UseStore{TStore}(Func{IServiceProvider, TStore})"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options in code; optional.</param>
    /// <returns>The builder.</returns>
    public static AfterSalesQualityBuilder AddAfterSalesQuality(this IServiceCollection services, Action<AfterSalesQualityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<AfterSalesQualityOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AfterSalesQualityOptions>, AfterSalesQualityOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AfterSalesQualityOptions>, StoreChosenValidator>());
// The clock: UseClock / UseTimeProvider replace it; otherwise a TimeProvider the host registered (e.g. a FakeTimeProvider
        // in a test host), else the system clock.
#pragma warning disable RS0030 // The host's composition root is where the system clock is chosen; UseClock replaces it.
        services.TryAddSingleton<IClock>(sp => sp.GetService<TimeProvider>() is { } timeProvider ? new TimeProviderClock(timeProvider) : SystemClock.Instance);
#pragma warning restore RS0030
        // The instruments on a meter of the host's IMeterFactory (Host.CreateApplicationBuilder registers one); the process-wide meter without.
        services.TryAddSingleton(sp => sp.GetService<IMeterFactory>() is { } meterFactory ? new QualityMetrics(meterFactory) : QualityMetrics.Shared);
        // The SLA policies on the desk's calendar (the configured business calendar, else 24x7 in the desk's zone), never UTC by accident.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value.ToSlaPolicySet());
        services.TryAddSingleton<OptionsReload>();
        services.TryAddSingleton(sp => sp.GetRequiredService<OptionsReload>().Attach(new TicketService(
            sp.GetRequiredService<ITicketStore>(),
            sp.GetRequiredService<ISequenceStore>(),
            sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<OptionsReload>().Current.ToTicketServiceOptions(), // the rule tables follow configuration changes
            sp.GetService<ILogger<TicketService>>(),
            sp.GetRequiredService<SlaPolicySet>(),
            sp.GetService<ICommandRetryStrategy>(),
            sp.GetRequiredService<QualityMetrics>())));
        services.TryAddSingleton(sp =>
        {
            var plans = sp.GetService<IImprovementPlanStore>()
                ?? throw new InvalidOperationException("ImprovementPlanService needs a store that keeps improvement plans: UseSqlite, UsePostgreSql, UseInMemory, or register an IImprovementPlanStore.");
            return new ImprovementPlanService(plans, sp.GetRequiredService<ITicketStore>(), sp.GetRequiredService<ISequenceStore>(), sp.GetRequiredService<IClock>(),
                sp.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value.ToImprovementPlanOptions(), sp.GetRequiredService<SlaPolicySet>());
        });
        // The KPI read model a web app shares between requests: the registered policies, the desk's zone, queries serialised.
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value;
            var store = sp.GetRequiredService<ITicketStore>();
            var projection = new ReadModels.TicketFactProjection(store, sp.GetRequiredService<SlaPolicySet>(), timeZone: settings.ToDateTimeZone());

            // A store that keeps snapshots starts the read model from its snapshot and keeps it (SnapshotInterval; zero: off).
            return settings.SnapshotInterval > TimeSpan.Zero && store is ISnapshotStore snapshots
                ? new ReadModels.KpiReadModel(projection, sp.GetRequiredService<IClock>(), snapshots, NodaTime.Duration.FromTimeSpan(settings.SnapshotInterval))
                : new ReadModels.KpiReadModel(projection, sp.GetRequiredService<IClock>());
        });
        // Privacy: the access policy (replaceable), the audit of reads (the store's own, else in memory with a warning),
        // PersonalDataGuard and CustomerDataExporter.
        PrivacyServices.Add(services);
        // Registered first, so the store is open before any hosted service (the background scan among them) starts.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, StoreStartupService>());
        services.TryAddSingleton<ProjectionProgress>();
        services.AddHostedService<QualityBackgroundService>();
        return new AfterSalesQualityBuilder(services);
    }

    /// <summary>
    /// Adds the library with options bound strictly from a configuration section (usually <c>AfterSalesQuality</c>):
    /// a value that does not convert, an enum value that is not one of its names (<c>Priority=P7</c>), a list with a
    /// hole in its indexes or a key that is no setting stops the start with the key named, instead of being dropped
    /// by the binder (see <see cref="StrictConfigurationBinding"/>). The sub-sections <c>Sqlite</c> and <c>PostgreSql</c>
    /// belong to the store packages.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section to bind, e.g. <c>builder.Configuration.GetSection("AfterSalesQuality")</c>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Binding reads the options' properties by reflection (as <c>OptionsBuilder.Bind</c> does), so a trimmed or
    /// Native AOT application gets a warning here: configure the options in code there
    /// (<c>AddAfterSalesQuality()</c> and <c>services.Configure&lt;AfterSalesQualityOptions&gt;(o =&gt; ...)</c>).
    /// </remarks>
    [RequiresUnreferencedCode("Binds AfterSalesQualityOptions from configuration by reflection; in a trimmed application configure the options in code.")]
    [RequiresDynamicCode("Binds AfterSalesQualityOptions from configuration by reflection; under Native AOT configure the options in code.")]
    public static AfterSalesQualityBuilder AddAfterSalesQuality(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddAfterSalesQuality();
        // Strict: a hole in a rule table, an unknown enum value or a misspelled key stops the start, named, instead of being dropped.
        services.AddOptions<AfterSalesQualityOptions>().BindStrictly(configuration, StoreSectionNames);
        return builder;
    }

    /// <summary>The sections under <c>AfterSalesQuality</c> that the store packages read (<c>UseSqlite(configuration)</c>, <c>UsePostgreSql(configuration)</c>).</summary>
    internal static readonly string[] StoreSectionNames = ["Sqlite", "PostgreSql"];

    /// <summary>Fails start-up when no store was chosen.</summary>
    private sealed class StoreChosenValidator(IEnumerable<TicketStoreRegistration> stores) : IValidateOptions<AfterSalesQualityOptions>
    {
        public ValidateOptionsResult Validate(string? name, AfterSalesQualityOptions options) =>
            stores.Any()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("No ticket store is configured: call UseInMemory(), UseSqlite(...), UsePostgreSql(...) or UseStore(...) on the builder AddAfterSalesQuality returns.");
    }
}
