using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels;

/// <summary>A satisfaction survey the host should send.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="FeedbackNumber">Its feedback number.</param>
/// <param name="Cycle">The resolution cycle the survey is about.</param>
/// <param name="DueAt">When it is due: the end of service plus the delay.</param>
public sealed record SurveyDue(TicketId TicketId, string FeedbackNumber, int Cycle, Instant DueAt)
{
    /// <summary>
    /// The survey's stable id, the same on every node and after every restart or failover:
    /// <c>survey:{ticket id, 32 hex digits}:{cycle}</c> (one survey per resolution cycle). A handler that keeps the ids it
    /// sent can drop a repeat — the background service hands a survey over at least once.
    /// </summary>
    public string Id => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"survey:{TicketId.Value:N}:{Cycle}");
}

/// <summary>
/// The survey schedule: a read model over the ticket event feed. Each resolution (the end of
/// service) makes a survey due <see cref="Delay"/> later (default 5 minutes, as the guides ask);
/// it leaves the schedule once the host records it sent (<see cref="RecordSurveySent"/>) or the
/// customer answers. Derived only from the feed, so a restarted host rebuilds it exactly.
/// Thread-safe.
/// </summary>
public sealed class SurveySchedule : IFeedFollower
{
    private readonly Lock gate = new();
    private readonly Dictionary<TicketId, string> numbers = [];
    private readonly Dictionary<(TicketId, int), SurveyDue> pending = [];
    private long position;

    /// <summary>Creates an empty schedule.</summary>
    /// <param name="delay">How long after the end of service the survey is due; 0 to 24 hours. Default 5 minutes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or over a day.</exception>
    public SurveySchedule(Duration? delay = null)
    {
        Delay = delay ?? Duration.FromMinutes(5);
        if (Delay < Duration.Zero || Delay > Duration.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(delay), Delay, $"'{nameof(delay)}' must be between 0 and 24 hours; it was {Delay}.");
        }
    }

    /// <summary>The delay after the end of service.</summary>
    public Duration Delay { get; }

    /// <summary>The last feed position applied.</summary>
    public long Position
    {
        get
        {
            lock (gate)
            {
                return position;
            }
        }
    }

    /// <summary>Applies one event of the feed; positions already applied are ignored.</summary>
    /// <param name="recorded">The recorded event.</param>
    public void Apply(RecordedEvent recorded)
    {
        Preconditions.CheckNotNull(recorded);
        lock (gate)
        {
            if (recorded.Position <= position)
            {
                return;
            }

            position = recorded.Position;
            var id = recorded.Event.TicketId;
            switch (recorded.Event)
            {
                case TicketRegistered r:
                    numbers[id] = r.FeedbackNumber;
                    break;
                case TicketResolved r:
                    pending[(id, r.Cycle)] = new SurveyDue(id, numbers.GetValueOrDefault(id, ""), r.Cycle, r.OccurredAt + Delay);
                    break;
                case SurveySent s:
                    pending.Remove((id, s.Cycle));
                    break;
                case SurveyAnswered a:
                    pending.Remove((id, a.Cycle));
                    break;
                case TicketCancelled or TicketMarkedDuplicate:
                    foreach (var key in pending.Keys.Where(k => k.Item1 == id).ToArray())
                    {
                        pending.Remove(key);
                    }

                    break;
            }
        }
    }

    /// <summary>Reads the feed from <see cref="Position"/> to its end.</summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="cancellationToken">Cancels the catch-up.</param>
    /// <returns>The position reached.</returns>
    public Task<long> CatchUpAsync(ITicketStore store, CancellationToken cancellationToken = default) => FeedFollower.CatchUpAsync(this, store, cancellationToken);

    /// <summary>Surveys due at or before <paramref name="upTo"/> and not yet sent or answered, earliest first.</summary>
    /// <param name="upTo">The horizon (usually now).</param>
    /// <returns>The surveys to send.</returns>
    public IReadOnlyList<SurveyDue> DueBefore(Instant upTo)
    {
        lock (gate)
        {
            return pending.Values.Where(s => s.DueAt <= upTo).OrderBy(s => s.DueAt).ThenBy(s => s.FeedbackNumber, StringComparer.Ordinal).ToArray();
        }
    }
}
