using AfterSales.Quality.Service;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// Follows configuration changes of <see cref="AfterSalesQualityOptions"/> as <c>IOptionsMonitor</c> does (the same change
/// token sources, the same options factory with its binding and validators), and applies what can change without a
/// restart: the rule tables (<see cref="TicketService.ReplaceRules"/>) and <see cref="AfterSalesQualityOptions.ScanInterval"/>
/// (the background service reads <see cref="Current"/> before each wait and is woken). Unlike <c>IOptionsMonitor</c>, a
/// change that fails validation is not thrown into the configuration reload: it is logged with every bad key and refused
/// whole, and the settings in force stay. Settings that need a restart are logged when they change.
/// </summary>
internal sealed partial class OptionsReload : IDisposable
{
    private readonly IOptionsFactory<AfterSalesQualityOptions> factory;
    private readonly ILogger logger;
    private readonly List<IDisposable> registrations = [];
    private readonly Lock gate = new();
    private readonly List<TicketService> services = [];
    private AfterSalesQualityOptions current;
    private event Action? Changed;

    public OptionsReload(IOptions<AfterSalesQualityOptions> options, IOptionsFactory<AfterSalesQualityOptions> factory, IEnumerable<IOptionsChangeTokenSource<AfterSalesQualityOptions>> sources, ILogger<OptionsReload>? logger = null)
    {
        this.factory = factory;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        current = options.Value;
        foreach (var source in sources.Where(s => string.Equals(s.Name ?? Options.DefaultName, Options.DefaultName, StringComparison.Ordinal)))
        {
            registrations.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
        }
    }

    /// <summary>The settings in force: those at start, or the last change that passed validation.</summary>
    public AfterSalesQualityOptions Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Has later rule changes applied to <paramref name="service"/>.</summary>
    public TicketService Attach(TicketService service)
    {
        lock (gate)
        {
            services.Add(service);
        }

        return service;
    }

    /// <summary>Calls <paramref name="handler"/> after each accepted change.</summary>
    public IDisposable OnChanged(Action handler)
    {
        Changed += handler;
        return new Unsubscribe(() => Changed -= handler);
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void Reload()
    {
        AfterSalesQualityOptions next;
        try
        {
            next = factory.Create(Options.DefaultName); // binds and validates, as at start
            var rules = next.ToTicketServiceOptions();
            rules.Validate();
            lock (gate)
            {
                foreach (var service in services)
                {
                    service.ReplaceRules(rules);
                }

                var needRestart = NeedRestart(current, next);
                if (needRestart.Count > 0)
                {
                    RestartNeeded(logger, string.Join(", ", needRestart));
                }

                current = next;
            }
        }
        catch (Exception ex)
        {
            // Never thrown into the configuration's reload (a file watcher's thread): refused, logged, the settings in force stay.
            ChangeRefused(logger, ex);
            return;
        }

        ChangeApplied(logger, next.ScanInterval);
        Changed?.Invoke();
    }

    /// <summary>The settings read only at start that differ (the calendar and SLA policies are not compared: documented as read at start).</summary>
    private static List<string> NeedRestart(AfterSalesQualityOptions before, AfterSalesQualityOptions after)
    {
        var changed = new List<string>();
        void Compare<T>(string key, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b))
            {
                changed.Add(key);
            }
        }

        Compare(nameof(AfterSalesQualityOptions.TimeZone), before.TimeZone, after.TimeZone);
        Compare(nameof(AfterSalesQualityOptions.Numbering), Describe(before.Numbering), Describe(after.Numbering));
        Compare(nameof(AfterSalesQualityOptions.SurveyDelay), before.SurveyDelay, after.SurveyDelay);
        Compare(nameof(AfterSalesQualityOptions.SnapshotInterval), before.SnapshotInterval, after.SnapshotInterval);
        Compare(nameof(AfterSalesQualityOptions.LeaseDuration), before.LeaseDuration, after.LeaseDuration);
        Compare(nameof(AfterSalesQualityOptions.DispatchedRetention), before.DispatchedRetention, after.DispatchedRetention);
        Compare(nameof(AfterSalesQualityOptions.EscalationWarningLeadTime), before.EscalationWarningLeadTime, after.EscalationWarningLeadTime);
        Compare(nameof(AfterSalesQualityOptions.ImprovementPlans), (before.ImprovementPlans?.AfterSalesLead, before.ImprovementPlans?.DelayRequestLeadWorkingDays), (after.ImprovementPlans?.AfterSalesLead, after.ImprovementPlans?.DelayRequestLeadWorkingDays));
        return changed;

        static string? Describe(Numbering.DocumentNumberingOptions? n) =>
            n is null ? null : $"{n.Feedback?.Prefix}|{n.Feedback?.DatePattern}|{n.Feedback?.SequenceDigits}|{n.Revisit?.Prefix}|{n.Revisit?.DatePattern}|{n.Revisit?.SequenceDigits}|{n.Improvement?.Prefix}|{n.Improvement?.DatePattern}|{n.Improvement?.SequenceDigits}|{n.RevisitDatedBy}";
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "AfterSales.Quality configuration changed: the rule tables apply to the next command, the scan interval is {ScanInterval}")]
    private static partial void ChangeApplied(ILogger logger, TimeSpan scanInterval);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "An AfterSales.Quality configuration change was refused (the settings in force stay)")]
    private static partial void ChangeRefused(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "AfterSales.Quality settings changed that apply only at the next start: {Settings}")]
    private static partial void RestartNeeded(ILogger logger, string settings);
}
