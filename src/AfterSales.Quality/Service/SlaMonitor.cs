using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using NodaTime;

namespace AfterSales.Quality.Service;

/// <summary>
/// Raises SLA warnings and breaches as they happen: each <see cref="Scan"/> evaluates the open
/// tickets of an <see cref="SlaDueIndex"/> and raises <see cref="AlertRaised"/> once for every
/// warning threshold or due instant reached since the previous scan (and counts them in the
/// <c>AfterSales.Quality</c> meter). Restart-safe: persist <see cref="LastScan"/> and pass it back
/// when the host restarts, and each alert is announced once. Scan before the index catches up,
/// so a ticket closed since the last scan still announces what it reached while open.
/// Thread-safe; scans are serialised.
/// </summary>
public sealed class SlaMonitor
{
    private readonly SlaDueIndex index;
    private readonly IClock clock;
    private readonly Lock gate = new();
    private Instant lastScan;

    /// <summary>Creates a monitor.</summary>
    /// <param name="index">The due index over the ticket feed.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="lastScan">The last scan instant persisted by the host; null starts from now (nothing earlier is announced).</param>
    public SlaMonitor(SlaDueIndex index, IClock clock, Instant? lastScan = null)
    {
        this.index = Preconditions.CheckNotNull(index);
        this.clock = Preconditions.CheckNotNull(clock);
        this.lastScan = lastScan ?? clock.GetCurrentInstant();
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

            var alerts = index.EvaluateAll(now).SelectMany(sla => sla.AlertsBetween(lastScan, now)).OrderBy(a => a.At).ToArray();
            lastScan = now;
            foreach (var alert in alerts)
            {
                var tag = new KeyValuePair<string, object?>("target", alert.Kind.ToString());
                (alert.AlertKind == SlaAlertKind.Breach ? QualityTelemetry.SlaBreachCounter : QualityTelemetry.SlaWarningCounter).Add(1, tag);
                AlertRaised?.Invoke(this, alert);
            }

            return alerts;
        }
    }
}
