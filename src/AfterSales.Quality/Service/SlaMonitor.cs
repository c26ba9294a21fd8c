using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using NodaTime;

namespace AfterSales.Quality.Service;

/// <summary>
/// Raises SLA warnings and breaches as they happen: each <see cref="Scan"/> evaluates the open
/// tickets of an <see cref="SlaDueIndex"/> and raises <see cref="AlertRaised"/> once for every
/// warning threshold or due instant reached since the previous scan (and counts them in the
/// <c>AfterSales.Quality</c> meter). Restart-safe: persist <see cref="LastScan"/> and pass it back
/// when the host restarts, and each alert is announced once. Created with the store,
/// <see cref="ScanAsync"/> catches the index up with the feed itself before scanning; a ticket
/// closed since the last scan still announces what it reached while open (the index keeps its
/// history for the monitor until the next scan). Thread-safe; scans are serialised.
/// </summary>
public sealed class SlaMonitor
{
    private readonly SlaDueIndex index;
    private readonly ITicketStore? store;
    private readonly IClock clock;
    private readonly QualityMetrics metrics;
    private readonly SemaphoreSlim scanning = new(1, 1);
    private readonly Lock gate = new();
    private Instant lastScan;

    /// <summary>Creates a monitor.</summary>
    /// <param name="index">The due index over the ticket feed.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="lastScan">The last scan instant persisted by the host; null starts from now (nothing earlier is announced).</param>
    /// <param name="metrics">The instruments alerts are counted on; null records on <see cref="QualityMetrics.Shared"/>.</param>
    public SlaMonitor(SlaDueIndex index, IClock clock, Instant? lastScan = null, QualityMetrics? metrics = null)
    {
        this.metrics = metrics ?? QualityMetrics.Shared;
        this.index = Preconditions.CheckNotNull(index);
        this.clock = Preconditions.CheckNotNull(clock);
        this.lastScan = lastScan ?? clock.GetCurrentInstant();
        index.RetainLeftTickets();
    }

    /// <summary>Creates a monitor that catches its index up with the store's feed on every <see cref="ScanAsync"/>.</summary>
    /// <param name="index">The due index over the ticket feed.</param>
    /// <param name="store">The ticket log the index follows.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="lastScan">The last scan instant persisted by the host; null starts from now (nothing earlier is announced).</param>
    /// <param name="metrics">The instruments alerts are counted on; null records on <see cref="QualityMetrics.Shared"/>.</param>
    public SlaMonitor(SlaDueIndex index, ITicketStore store, IClock clock, Instant? lastScan = null, QualityMetrics? metrics = null)
        : this(index, clock, lastScan, metrics)
    {
        this.store = Preconditions.CheckNotNull(store);
    }

    /// <summary>
    /// Catches the index up with the feed (when the monitor was created with the store), then announces
    /// every warning and breach reached since <see cref="LastScan"/>, as <see cref="Scan"/> does.
    /// </summary>
    /// <param name="cancellationToken">Cancels the catch-up; nothing is announced then.</param>
    /// <returns>The alerts raised by this scan, in time order.</returns>
    public async Task<IReadOnlyList<SlaAlert>> ScanAsync(CancellationToken cancellationToken = default)
    {
        await scanning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (store is not null)
            {
                await index.CatchUpAsync(store, cancellationToken).ConfigureAwait(false);
            }

            return Scan();
        }
        finally
        {
            scanning.Release();
        }
    }

    /// <summary>Raised once per warning or breach, in time order, on the scanning thread.</summary>
    public event EventHandler<SlaAlert>? AlertRaised;

    /// <summary>The end of the last scanned window.</summary>
    public Instant LastScan
    {
        get
        {
            lock (gate)
            {
                return lastScan;
            }
        }
    }

    /// <summary>Announces every warning and breach reached since <see cref="LastScan"/>.</summary>
    /// <returns>The alerts raised by this scan, in time order.</returns>
    public IReadOnlyList<SlaAlert> Scan()
    {
        lock (gate)
        {
            var now = clock.GetCurrentInstant();
            if (now <= lastScan)
            {
                return [];
            }

            var alerts = index.EvaluateForScan(now).SelectMany(sla => sla.AlertsBetween(lastScan, now)).OrderBy(a => a.At).ToArray();
            lastScan = now;
            foreach (var alert in alerts)
            {
                var tag = new KeyValuePair<string, object?>("target", alert.Kind.ToString());
                (alert.AlertKind == SlaAlertKind.Breach ? metrics.SlaBreaches : metrics.SlaWarnings).Add(1, tag);
                AlertRaised?.Invoke(this, alert);
            }

            return alerts;
        }
    }
}
