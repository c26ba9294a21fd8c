using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>Receives SLA warnings and breaches raised by the background monitor (register any number).</summary>
public interface ISlaAlertHandler
{
    /// <summary>Handles one alert (notify the owner, escalate ...).</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task that completes when handled.</returns>
    Task HandleAsync(SlaAlert alert, CancellationToken cancellationToken);
}

/// <summary>Receives satisfaction surveys that are due (register any number); record them sent with <c>RecordSurveySent</c>.</summary>
public interface ISurveyDueHandler
{
    /// <summary>Handles one due survey (send it, then record it sent).</summary>
    /// <param name="survey">The survey.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task that completes when handled.</returns>
    Task HandleAsync(SurveyDue survey, CancellationToken cancellationToken);
}

/// <summary>
/// The background work the library needs: every <see cref="AfterSalesQualityOptions.ScanInterval"/>
/// it catches the SLA due index and the survey schedule up with the event feed, raises SLA warnings
/// and breaches to the <see cref="ISlaAlertHandler"/>s, and hands due surveys to the
/// <see cref="ISurveyDueHandler"/>s. Restart-safe: the last scan instant is kept as a checkpoint
/// when the store implements <see cref="ICheckpointStore"/>, so each alert is raised once.
/// Stops with the host (cancellation).
/// </summary>
internal sealed partial class QualityBackgroundService(
    IServiceProvider services,
    IClock clock,
    IOptions<AfterSalesQualityOptions> options,
    IEnumerable<ISlaAlertHandler> alertHandlers,
    IEnumerable<ISurveyDueHandler> surveyHandlers,
    ProjectionProgress progress,
    ILogger<QualityBackgroundService> logger) : BackgroundService
{
    internal const string LastScanCheckpoint = "aftersales.sla-monitor.last-scan";

    // The library's meter is internal to the core; the DI package records projection lag on its own instrument with the same name.
    private static readonly System.Diagnostics.Metrics.Meter Meter = new(AfterSales.Quality.Diagnostics.QualityTelemetry.Name + ".Hosting");
    private static readonly System.Diagnostics.Metrics.Histogram<long> ProjectionLag = Meter.CreateHistogram<long>(AfterSales.Quality.Diagnostics.QualityTelemetry.ProjectionLag, "{event}", "Events a projection was behind the feed when it caught up.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not in the constructor, so a missing store fails start-up through options validation with its message.
        var store = (ITicketStore)services.GetService(typeof(ITicketStore))!;
        var settings = options.Value;
        var policies = (SlaPolicySet)services.GetService(typeof(SlaPolicySet))!;
        if (settings.Calendar is not null && policies.Calendars.Values.Any(c => c.IsTwentyFourSeven))
        {
            TwentyFourSevenWithBusinessCalendar(logger, settings.Calendar.Name, string.Join(", ", policies.Calendars.Where(c => c.Value.IsTwentyFourSeven).Select(c => c.Key)));
        }

        var index = new SlaDueIndex(policies);
        SnapshotSchedule? snapshots = null;
        if (store is ISnapshotStore snapshotStore && settings.SnapshotInterval > TimeSpan.Zero)
        {
            // Loaded before the monitor retains left tickets: those that left before the snapshot were announced by the run that wrote it.
            var restored = await index.RestoreSnapshotAsync(store, snapshotStore, cancellationToken: stoppingToken).ConfigureAwait(false);
            SnapshotLoaded(logger, restored.Status, restored.Position, restored.Detail);
            snapshots = new SnapshotSchedule(snapshotStore, Duration.FromTimeSpan(settings.SnapshotInterval), clock);
        }

        var surveys = new SurveySchedule(Duration.FromTimeSpan(settings.SurveyDelay));
        var checkpoints = store as ICheckpointStore;
        Instant? lastScan = checkpoints is null ? null : await checkpoints.GetCheckpointAsync(LastScanCheckpoint, stoppingToken).ConfigureAwait(false) is var ticks and > 0 ? Instant.FromUnixTimeTicks(ticks) : null;
        var monitor = new SlaMonitor(index, store, clock, lastScan);
        var sent = new HashSet<(AfterSales.Quality.Tickets.TicketId, int)>();
        using var timer = new PeriodicTimer(settings.ScanInterval);
        do
        {
            try
            {
                var behind = index.Position;
                var alerts = await monitor.ScanAsync(stoppingToken).ConfigureAwait(false); // catches the index up first
                ProjectionLag.Record(index.Position - behind, new KeyValuePair<string, object?>("projection", "sla-due-index"));
                Scanned(logger, alerts.Count, index.OpenTickets, index.Position, monitor.LastScan);
                foreach (var alert in alerts)
                {
                    foreach (var handler in alertHandlers)
                    {
                        await handler.HandleAsync(alert, stoppingToken).ConfigureAwait(false);
                    }
                }

                if (checkpoints is not null)
                {
                    await checkpoints.SetCheckpointAsync(LastScanCheckpoint, monitor.LastScan.ToUnixTimeTicks(), stoppingToken).ConfigureAwait(false);
                }

                await surveys.CatchUpAsync(store, stoppingToken).ConfigureAwait(false);
                foreach (var survey in surveys.DueBefore(clock.GetCurrentInstant()))
                {
                    // Handed over once per run; the handler records it sent, which removes it from the schedule.
                    if (sent.Add((survey.TicketId, survey.Cycle)))
                    {
                        foreach (var handler in surveyHandlers)
                        {
                            await handler.HandleAsync(survey, stoppingToken).ConfigureAwait(false);
                        }
                    }
                }

                progress.Completed(index.Position, clock.GetCurrentInstant());
                if (snapshots is not null)
                {
                    if (snapshots.LastError is { } snapshotError)
                    {
                        SnapshotFailed(logger, snapshotError);
                    }

                    snapshots.WriteIfDue(() => index.CaptureSnapshot(), stoppingToken); // written in the background
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                progress.Failed(ex, clock.GetCurrentInstant());
                ScanFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "SLA scan: {Alerts} alert(s) over {OpenTickets} open ticket(s), feed position {Position}, scanned up to {LastScan}")]
    private static partial void Scanned(ILogger logger, int alerts, int openTickets, long position, Instant lastScan);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "SLA policies run on 24x7 calendar(s) {Calendars} although the business calendar '{Calendar}' is configured: register the policy set from AfterSalesQualityOptions.ToSlaPolicySet() or give it the business calendar")]
    private static partial void TwentyFourSevenWithBusinessCalendar(ILogger logger, string calendar, string calendars);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "SLA due index snapshot: {Status} at feed position {Position} {Detail}")]
    private static partial void SnapshotLoaded(ILogger logger, SnapshotStatus status, long position, string detail);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Writing the SLA due index snapshot failed; it is written again at the next interval")]
    private static partial void SnapshotFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "The AfterSales.Quality background scan failed; it runs again at the next interval")]
    private static partial void ScanFailed(ILogger logger, Exception exception);
}
