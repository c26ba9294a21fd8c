using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// The privacy services <c>AddAfterSalesQuality</c> registers: the access policy (replaceable), the audit of reads (the
/// store's own when it keeps one), the personal-data guard and the access-request exporter.
/// </summary>
internal static partial class PrivacyServices
{
    public static void Add(IServiceCollection services)
    {
        // Who may read personal data: the people working the ticket. Register your own IPersonalDataAccessPolicy (before or
        // after AddAfterSalesQuality) to name the roles that may always read, or to decide otherwise.
        services.TryAddSingleton<IPersonalDataAccessPolicy>(new WorkingPeopleAccessPolicy());
        // Every decision is recorded in the ticket database when the store keeps the audit (in-memory, SQLite, PostgreSQL).
        services.TryAddSingleton<IPersonalDataAccessAudit>(Audit);
        services.TryAddSingleton(sp => new PersonalDataGuard(
            sp.GetRequiredService<IPersonalDataAccessPolicy>(), sp.GetRequiredService<IPersonalDataAccessAudit>(), sp.GetRequiredService<IClock>(), sp.GetService<ILogger<PersonalDataGuard>>()));
        services.TryAddSingleton(sp => new CustomerDataExporter(
            sp.GetRequiredService<ITicketStore>(), sp.GetRequiredService<IPersonalDataAccessPolicy>(), sp.GetRequiredService<IPersonalDataAccessAudit>(), sp.GetRequiredService<IClock>()));
    }

    private static IPersonalDataAccessAudit Audit(IServiceProvider services)
    {
        var store = services.GetRequiredService<ITicketStore>();
        if (store is IPersonalDataAccessAudit audit)
        {
            return audit;
        }

        if (services.GetService<ILoggerFactory>() is { } loggers)
        {
            InMemoryAudit(loggers.CreateLogger(typeof(PersonalDataGuard).FullName!), store.GetType().Name);
        }

        return new InMemoryPersonalDataAccessAudit();
    }

    [LoggerMessage(EventId = 3019, Level = LogLevel.Warning, Message = "The ticket store {Store} keeps no audit of personal-data access: the records are kept in memory and lost at restart; register an IPersonalDataAccessAudit of your own")]
    private static partial void InMemoryAudit(ILogger logger, string store);
}
