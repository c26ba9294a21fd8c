namespace AfterSales.Quality.Kpi;

/// <summary>
/// The counters of a <see cref="KpiAggregate"/> as a plain struct, so the engine can keep dense
/// arrays of them. <see cref="KpiAggregate.ToBytes"/> writes the fields in declaration order (the
/// double as its bits): add a field at the end and raise the format version.
/// </summary>
internal struct KpiCounters
{
    public long Tickets;
    public long Resolved;
    public long FirstContactResolved;
    public long Complaints;
    public long Reopened;
    public long Escalated;
    public long Responded;
    public long FirstResponseSeconds;
    public long FirstResponseMin;
    public long FirstResponseMax;
    public long Handled;
    public long HandlingSeconds;
    public long FirstResponseSlaDue;
    public long FirstResponseSlaMet;
    public long ResolutionSlaDue;
    public long ResolutionSlaMet;
    public long RevisitsDue;
    public long RevisitsOnTime;
    public long CsatAnswers;
    public long CsatSum;
    public long CsatSatisfied;
    public long RecommendationAnswers;
    public long Promoters;
    public long Detractors;
    public long EffortAnswers;
    public long EffortSum;
    public long Inspected;
    public long Accurate;
    public double FirstResponseSquares;
    public long Transferred;
    public long Replies;
    public long ReplySeconds;
    public long ResolutionTimed;
    public long ResolutionSeconds;
    public long ResolutionWorkingTimed;
    public long ResolutionWorkingSeconds;

    public static KpiCounters Empty => new() { FirstResponseMin = long.MaxValue, FirstResponseMax = -1 };

    public void Merge(in KpiCounters other)
    {
        Tickets += other.Tickets;
        Resolved += other.Resolved;
        FirstContactResolved += other.FirstContactResolved;
        Complaints += other.Complaints;
        Reopened += other.Reopened;
        Escalated += other.Escalated;
        Responded += other.Responded;
        FirstResponseSeconds += other.FirstResponseSeconds;
        Handled += other.Handled;
        HandlingSeconds += other.HandlingSeconds;
        FirstResponseSlaDue += other.FirstResponseSlaDue;
        FirstResponseSlaMet += other.FirstResponseSlaMet;
        ResolutionSlaDue += other.ResolutionSlaDue;
        ResolutionSlaMet += other.ResolutionSlaMet;
        RevisitsDue += other.RevisitsDue;
        RevisitsOnTime += other.RevisitsOnTime;
        CsatAnswers += other.CsatAnswers;
        CsatSum += other.CsatSum;
        CsatSatisfied += other.CsatSatisfied;
        RecommendationAnswers += other.RecommendationAnswers;
        Promoters += other.Promoters;
        Detractors += other.Detractors;
        EffortAnswers += other.EffortAnswers;
        EffortSum += other.EffortSum;
        Inspected += other.Inspected;
        Accurate += other.Accurate;
        FirstResponseSquares += other.FirstResponseSquares;
        Transferred += other.Transferred;
        Replies += other.Replies;
        ReplySeconds += other.ReplySeconds;
        ResolutionTimed += other.ResolutionTimed;
        ResolutionSeconds += other.ResolutionSeconds;
        ResolutionWorkingTimed += other.ResolutionWorkingTimed;
        ResolutionWorkingSeconds += other.ResolutionWorkingSeconds;
        FirstResponseMin = Math.Min(FirstResponseMin, other.FirstResponseMin);
        FirstResponseMax = Math.Max(FirstResponseMax, other.FirstResponseMax);
    }
}
