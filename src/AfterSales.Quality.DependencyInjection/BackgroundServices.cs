using System.Diagnostics;
using AfterSales.Quality.Diagnostics;
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

/// <summary>
/// Receives SLA warnings and breaches raised by the background monitor (register any number). Delivery is at least once:
/// de-duplicate on <see cref="SlaAlert.Id"/> when a repeat would hurt (see the README's "Running several nodes").
/// </summary>
public interface ISlaAlertHandler
{
    /// <summary>Handles one alert (notify the owner, escalate ...). Throw to have it retried at the next scan.</summary>
    /// <param name="alert">The alert; <see cref="SlaAlert.Id"/> is its stable id.</param>
    /// <param name="cancellationToken">Cancelled only when the host's shutdown timeout runs out.</param>
    /// <returns>A task that completes when handled.</returns>
    Task HandleAsync(SlaAlert alert, CancellationToken cancellationToken);
}

/// <summary>
/// Receives satisfaction surveys that are due (register any number); record them sent with <c>RecordSurveySent</c>.
/// Delivery is at least once: de-duplicate on <see cref="SurveyDue.Id"/> when a repeat would hurt.
/// </summary>
public interface ISurveyDueHandler
{
    /// <summary>Handles one due survey (send it, then record it sent). Throw to have it retried at the next scan.</summary>
    /// <param name="survey">The survey; <see cref="SurveyDue.Id"/> is its stable id.</param>
    /// <param name="cancellationToken">Cancelled only when the host's shutdown timeout runs out.</param>
    /// <returns>A task that completes when handled.</returns>
    Task HandleAsync(SurveyDue survey, CancellationToken cancellationToken);
}

/// <summary>
/// The background work the library needs: every <see cref="AfterSalesQualityOptions.ScanInterval"/> (and at once when a
/// store with <see cref="IFeedAppendNotifier"/> reports an append) it catches the SLA due index and the survey schedule
/// up with the event feed, raises SLA warnings and breaches to the <see cref="ISlaAlertHandler"/>s, and hands due surveys
/// to the <see cref="ISurveyDueHandler"/>s.
/// <list type="bullet">
/// <item>Each alert and survey is recorded in the store's <see cref="IDispatchLedger"/> once its handlers returned, and
/// skipped when already recorded; a handler that throws leaves it unrecorded, and it is retried at the next scan.</item>
/// <item>The scan checkpoint (<see cref="ICheckpointStore"/>) moves to the end of a scan only when everything the scan
/// raised is recorded, so a node killed in a batch resumes with the part not yet handled (the one item in flight is
/// handed over again: at least once, with a stable id).</item>
/// <item>With a store that keeps leases (<see cref="ILeaseStore"/>), only the node holding the lease does this work; the
/// others wait and take over from the shared checkpoint once the holder's lease expires
/// (<see cref="AfterSalesQualityOptions.LeaseDuration"/>) or it stops (it gives the lease up).</item>
/// <item>A stop finishes the batch in hand (handlers see cancellation only when the host's shutdown timeout runs out).</item>
/// </list>
/// </summary>
internal sealed partial class QualityBackgroundService(
    IServiceProvider services,
    IClock clock,
    IOptions<AfterSalesQualityOptions> options,
    IEnumerable<ISlaAlertHandler> alertHandlers,
    IEnumerable<ISurveyDueHandler> surveyHandlers,
    ProjectionProgress progress,
    QualityMetrics metrics,
    OptionsReload reload,
    ILogger<QualityBackgroundService> logger) : BackgroundService
{
    internal const string LastScanCheckpoint = "aftersales.sla-monitor.last-scan";

    /// <summary>The lease the nodes of one store compete for.</summary>
    internal const string LeaseName = "aftersales.background-work";

    // Fields, not captured parameters, so the nested work can reach them.
    private readonly IClock clock = clock;
    private readonly ILogger logger = logger;
    private readonly ProjectionProgress progress = progress;
    private readonly QualityMetrics metrics = metrics;
    private readonly ISlaAlertHandler[] alertHandlers = [.. alertHandlers];
    private readonly ISurveyDueHandler[] surveyHandlers = [.. surveyHandlers];
    private readonly CancellationTokenSource drainAbort = new();
    private readonly SemaphoreSlim wake = new(0, 1);
    private bool erasuresResumed;

    /// <summary>The timers of the scan interval: the time provider the clock reads (<c>UseTimeProvider</c>), else real time.</summary>
#pragma warning disable RS0030 // Real time for the interval when the clock is not a time provider (a NodaTime FakeClock does not drive timers).
    private TimeProvider Timers => clock is TimeProviderClock timeProviderClock ? timeProviderClock.TimeProvider : TimeProvider.System;
#pragma warning restore RS0030

    /// <summary>This node's name in the lease: machine, process and a per-run id.</summary>
    internal string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>
    /// Finishes every erasure a crash interrupted (<see cref="TicketService.ResumeErasuresAsync"/>) before the host reports
    /// started, so the data keys of erased customers are destroyed before the application serves requests; a failure is
    /// logged and retried at every scan (reads show the erased data as erased meanwhile: the request is recorded first).
    /// </summary>
    /// <param name="cancellationToken">The host's start-up token.</param>
    /// <returns>A task that completes when the erasures are done (or failed) and the scan loop is started.</returns>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResumeErasuresAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes interrupted erasures; false (logged) when it failed, to be tried again at the next scan.</summary>
    private async Task<bool> ResumeErasuresAsync(CancellationToken cancellationToken)
    {
        try
        {
            var tickets = (TicketService)services.GetService(typeof(TicketService))!;
            var resumed = await tickets.ResumeErasuresAsync(cancellationToken).ConfigureAwait(false);
            if (resumed > 0)
            {
                ErasuresResumed(logger, resumed);
            }

            erasuresResumed = true;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ErasureResumeFailed(logger, ex);
            return false;
        }
    }

    /// <summary>Finishes the batch in hand; the host's stop token (its shutdown timeout) cancels the handlers.</summary>
    /// <param name="cancellationToken">Fires when the host's shutdown timeout runs out.</param>
    /// <returns>A task that completes when the service has stopped.</returns>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(drainAbort.Cancel).ConfigureAwait(false))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        drainAbort.Dispose();
        wake.Dispose();
    }

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

        var work = new Work(this, store, policies, settings);
        // ScanInterval follows configuration changes (read before each wait; a change wakes the wait); the rest is read at start.
        TimeSpan Period()
        {
            var scan = reload.Current.ScanInterval;
            return work.Leases is null ? scan : TimeSpan.FromTicks(Math.Min(scan.Ticks, settings.LeaseDuration.Ticks / 3));
        }

        var period = Period();
        using var changes = reload.OnChanged(Wake);
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var listener = store is IFeedAppendNotifier notifier ? ListenAsync(notifier, period, listening.Token) : Task.CompletedTask;
        using var stopping = stoppingToken.Register(() => StopRequested(logger));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!erasuresResumed)
                    {
                        await ResumeErasuresAsync(stoppingToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // Keeps the pending-erasure gauge current (an erasure a command could not finish shows here).
                        await ((TicketService)services.GetService(typeof(TicketService))!).CountPendingErasuresAsync(stoppingToken).ConfigureAwait(false);
                    }

                    await work.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested || ex is not OperationCanceledException)
                {
                    progress.Failed(ex, clock.GetCurrentInstant());
                    ScanFailed(logger, ex);
                }

                // The interval runs on the clock's time provider (a FakeTimeProvider advances it), else in real time.
                period = Period();
                using var interval = new CancellationTokenSource(period, Timers);
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
                try
                {
                    await wake.WaitAsync(waiting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (OperationCanceledException) when (interval.IsCancellationRequested)
                {
                    // The interval elapsed: scan.
                }
            }
        }
        finally
        {
            await listening.CancelAsync().ConfigureAwait(false);
            await listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await work.ReleaseAsync(drainAbort.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes the scan when the store reports an append; listens again after a failure (the interval still runs).</summary>
    private async Task ListenAsync(IFeedAppendNotifier notifier, TimeSpan retry, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await notifier.ListenAsync(Wake, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                ListenFailed(logger, ex);
                try
                {
                    await Task.Delay(retry, Timers, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }

    /// <summary>The scan state of one lease term (or of the whole run without leases): rebuilt from the shared checkpoint at each takeover.</summary>
    private sealed class Session(SlaDueIndex index, SurveySchedule surveys, SlaMonitor monitor, long? token)
    {
        public SlaDueIndex Index { get; } = index;

        public SurveySchedule Surveys { get; } = surveys;

        public SlaMonitor Monitor { get; } = monitor;

        public long? Token { get; } = token;

        /// <summary>Alerts raised but not handled yet (a handler threw): retried first at the next scan.</summary>
        public List<SlaAlert> Pending { get; } = [];

        /// <summary>Ids of due surveys handed over in this session (pruned to those still due).</summary>
        public HashSet<string> HandedOver { get; } = new(StringComparer.Ordinal);

        /// <summary>When the request that last granted or renewed the lease was sent (<see cref="Stopwatch"/> ticks).</summary>
        public long ConfirmedAt { get; set; }
    }

    /// <summary>What one node does each interval: hold the lease (when the store keeps leases), scan, hand over, checkpoint.</summary>
    private sealed class Work(QualityBackgroundService owner, ITicketStore store, SlaPolicySet policies, AfterSalesQualityOptions settings)
    {
        private readonly IDispatchLedger? ledger = store as IDispatchLedger;
        private readonly ICheckpointStore? checkpoints = store as ICheckpointStore;
        private readonly Duration leaseDuration = Duration.FromTimeSpan(settings.LeaseDuration);
        private readonly Duration retention = Duration.FromTimeSpan(settings.DispatchedRetention);
        private Instant? lastPrune;
        private readonly ISnapshotStore? snapshotStore = settings.SnapshotInterval > TimeSpan.Zero ? store as ISnapshotStore : null;
        private SnapshotSchedule? snapshots;
        private Session? session;
        private bool standby;

        public ILeaseStore? Leases { get; } = store as ILeaseStore;

        private IClock Clock => owner.clock;

        private ILogger Logger => owner.logger;

        public async Task RunOnceAsync(CancellationToken stoppingToken)
        {
            if (Leases is not null)
            {
                var sent = Stopwatch.GetTimestamp();
                var token = await Leases.TryAcquireLeaseAsync(LeaseName, owner.Holder, leaseDuration, stoppingToken).ConfigureAwait(false);
                if (token is null)
                {
                    if (session is not null || !standby)
                    {
                        LeaseHeldElsewhere(Logger, owner.Holder);
                    }

                    session = null;
                    standby = true;
                    owner.progress.Standby(Clock.GetCurrentInstant());
                    return;
                }

                if (session?.Token != token)
                {
                    session = await StartSessionAsync(token, stoppingToken).ConfigureAwait(false);
                    LeaseTaken(Logger, owner.Holder, token.Value, session.Monitor.LastScan);
                }

                standby = false;
                session.ConfirmedAt = sent;
            }
            else
            {
                session ??= await StartSessionAsync(null, stoppingToken).ConfigureAwait(false);
            }

            if (!await ScanAsync(session, stoppingToken).ConfigureAwait(false))
            {
                LeaseLost(Logger, owner.Holder);
                session = null;
            }
        }

        public async Task ReleaseAsync(CancellationToken cancellationToken)
        {
            if (Leases is null || session is null)
            {
                return;
            }

            try
            {
                await Leases.ReleaseLeaseAsync(LeaseName, owner.Holder, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Not fatal: the lease then expires after LeaseDuration.
                ReleaseFailed(Logger, ex);
            }
        }

        private async Task<Session> StartSessionAsync(long? token, CancellationToken cancellationToken)
        {
            var index = new SlaDueIndex(policies);
            if (snapshotStore is not null)
            {
                // Loaded before the monitor retains left tickets: those that left before the snapshot were announced by the run that wrote it.
                var restored = await index.RestoreSnapshotAsync(store, snapshotStore, cancellationToken: cancellationToken).ConfigureAwait(false);
                SnapshotLoaded(Logger, restored.Status, restored.Position, restored.Detail);
                snapshots ??= new SnapshotSchedule(snapshotStore, Duration.FromTimeSpan(settings.SnapshotInterval), Clock);
            }

            var surveys = new SurveySchedule(Duration.FromTimeSpan(settings.SurveyDelay));
            Instant? lastScan = checkpoints is null ? null : await checkpoints.GetCheckpointAsync(LastScanCheckpoint, cancellationToken).ConfigureAwait(false) is var ticks and > 0 ? Instant.FromUnixTimeTicks(ticks) : null;
            return new Session(index, surveys, new SlaMonitor(index, store, Clock, lastScan, owner.metrics), token);
        }

        /// <summary>One scan and its hand-over; false when the lease was lost on the way (the rest is left to the new holder).</summary>
        private async Task<bool> ScanAsync(Session current, CancellationToken stoppingToken)
        {
            var behind = current.Index.Position;
            var raised = await current.Monitor.ScanAsync(stoppingToken).ConfigureAwait(false); // catches the index up first
            var scannedUpTo = current.Monitor.LastScan;
            owner.metrics.RecordProjectionLag("sla-due-index", current.Index.Position - behind);
            Scanned(Logger, raised.Count, current.Index.OpenTickets, current.Index.Position, scannedUpTo);
            current.Pending.AddRange(raised);

            // From here on the batch in hand is finished even when a stop is requested: only the shutdown timeout cancels it.
            var drain = owner.drainAbort.Token;
            foreach (var alert in current.Pending.ToArray())
            {
                if (!await HoldsLeaseAsync(current, drain).ConfigureAwait(false))
                {
                    return false;
                }

                if (await DispatchAsync(alert.Id, alert, owner.alertHandlers, static (h, a, ct) => h.HandleAsync(a, ct), drain).ConfigureAwait(false))
                {
                    current.Pending.Remove(alert);
                }
            }

            if (current.Pending.Count == 0 && checkpoints is not null)
            {
                if (current.Token is { } token)
                {
                    if (!await Leases!.AdvanceCheckpointAsync(LastScanCheckpoint, scannedUpTo.ToUnixTimeTicks(), LeaseName, token, drain).ConfigureAwait(false))
                    {
                        return false;
                    }
                }
                else
                {
                    await checkpoints.SetCheckpointAsync(LastScanCheckpoint, scannedUpTo.ToUnixTimeTicks(), drain).ConfigureAwait(false);
                }

                await PruneLedgerAsync(scannedUpTo, drain).ConfigureAwait(false);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return true; // no survey batch in hand yet
            }

            await current.Surveys.CatchUpAsync(store, stoppingToken).ConfigureAwait(false);
            var due = current.Surveys.DueBefore(Clock.GetCurrentInstant());
            foreach (var survey in due)
            {
                if (current.HandedOver.Contains(survey.Id))
                {
                    continue;
                }

                if (!await HoldsLeaseAsync(current, drain).ConfigureAwait(false))
                {
                    return false;
                }

                if (await DispatchAsync(survey.Id, survey, owner.surveyHandlers, static (h, s, ct) => h.HandleAsync(s, ct), drain).ConfigureAwait(false))
                {
                    current.HandedOver.Add(survey.Id);
                }
            }

            current.HandedOver.IntersectWith(due.Select(s => s.Id));
            owner.progress.Completed(current.Index.Position, Clock.GetCurrentInstant());
            if (snapshots is not null)
            {
                if (snapshots.LastError is { } snapshotError)
                {
                    SnapshotFailed(Logger, snapshotError);
                }

                snapshots.WriteIfDue(() => current.Index.CaptureSnapshot(), stoppingToken); // written in the background
            }

            return true;
        }

        /// <summary>
        /// Once an hour (of the clock), removes the ledger's records handled more than the retention before the checkpoint just
        /// written: those alerts are behind it and never raised again. A failure is logged and tried again at the next hour.
        /// </summary>
        private async Task PruneLedgerAsync(Instant checkpoint, CancellationToken cancellationToken)
        {
            if (ledger is null || retention == Duration.Zero || lastPrune is { } last && checkpoint - last < Duration.FromHours(1))
            {
                return;
            }

            lastPrune = checkpoint;
            try
            {
                var removed = await ledger.PruneDispatchedAsync(checkpoint - retention, cancellationToken).ConfigureAwait(false);
                LedgerPruned(Logger, removed, checkpoint - retention);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PruneFailed(Logger, ex);
            }
        }

        /// <summary>Hands one item to every handler unless the ledger has it; records it once they all returned. False when a handler threw.</summary>
        private async Task<bool> DispatchAsync<THandler, TItem>(string id, TItem item, IEnumerable<THandler> handlers, Func<THandler, TItem, CancellationToken, Task> handle, CancellationToken cancellationToken)
        {
            if (ledger is not null && await ledger.IsDispatchedAsync(id, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            try
            {
                foreach (var handler in handlers)
                {
                    await handle(handler, item, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                HandlerFailed(Logger, id, ex);
                return false;
            }

            if (ledger is not null)
            {
                await ledger.RecordDispatchedAsync(id, Clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        /// <summary>
        /// Whether this node may hand the next item over: always without leases; with them, while the lease is confirmed
        /// for less than a third of its duration, else after renewing it (a renewal that fails throws, and nothing is handed over).
        /// </summary>
        private async ValueTask<bool> HoldsLeaseAsync(Session current, CancellationToken cancellationToken)
        {
            if (current.Token is not { } token)
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(current.ConfirmedAt) < leaseDuration.ToTimeSpan() / 3)
            {
                return true;
            }

            var sent = Stopwatch.GetTimestamp();
            if (await Leases!.TryAcquireLeaseAsync(LeaseName, owner.Holder, leaseDuration, cancellationToken).ConfigureAwait(false) != token)
            {
                return false;
            }

            current.ConfirmedAt = sent;
            return true;
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "SLA scan: {Alerts} alert(s) over {OpenTickets} open ticket(s), feed position {Position}, scanned up to {LastScan}")]
    private static partial void Scanned(ILogger logger, int alerts, int openTickets, long position, Instant lastScan);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "SLA policies run on 24x7 calendar(s) {Calendars} although the business calendar '{Calendar}' is configured: register the policy set from AfterSalesQualityOptions.ToSlaPolicySet() or give it the business calendar")]
    private static partial void TwentyFourSevenWithBusinessCalendar(ILogger logger, string calendar, string calendars);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "SLA due index snapshot: {Status} at feed position {Position} {Detail}")]
    private static partial void SnapshotLoaded(ILogger logger, SnapshotStatus status, long position, string detail);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Writing the SLA due index snapshot failed; it is written again at the next interval")]
    private static partial void SnapshotFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "The AfterSales.Quality background scan failed; it runs again at the next interval")]
    private static partial void ScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "A handler failed for {DispatchId}; it is handed over again at the next scan")]
    private static partial void HandlerFailed(ILogger logger, string dispatchId, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Stop requested: the background service finishes the batch in hand, then stops")]
    private static partial void StopRequested(ILogger logger);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Node {Holder} holds the background-work lease (fencing token {Token}); it scans from {LastScan}")]
    private static partial void LeaseTaken(ILogger logger, string holder, long token, Instant lastScan);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Node {Holder} is on standby: another node holds the background-work lease")]
    private static partial void LeaseHeldElsewhere(ILogger logger, string holder);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Node {Holder} lost the background-work lease in a batch; the new holder hands the rest over")]
    private static partial void LeaseLost(ILogger logger, string holder);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "The background-work lease could not be given up; another node takes it when it expires")]
    private static partial void ReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Information, Message = "{Count} interrupted erasure(s) finished at start-up")]
    private static partial void ErasuresResumed(ILogger logger, int count);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Error, Message = "Resuming interrupted erasures failed; they are tried again at the next scan (their data reads as erased meanwhile)")]
    private static partial void ErasureResumeFailed(ILogger logger, Exception exception);
    [LoggerMessage(EventId = 3015, Level = LogLevel.Debug, Message = "Dispatch ledger: {Removed} record(s) handled before {Before} removed")]
    private static partial void LedgerPruned(ILogger logger, int removed, Instant before);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Pruning the dispatch ledger failed; it is tried again in an hour")]
    private static partial void PruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Listening for feed appends failed; the scan interval still applies, listening again")]
    private static partial void ListenFailed(ILogger logger, Exception exception);
}
