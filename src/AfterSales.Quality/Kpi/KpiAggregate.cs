namespace AfterSales.Quality.Kpi;

/// <summary>
/// The mergeable partial aggregate behind every KPI of the guides: counts, sums, sums of squares,
/// minimum and maximum, and optionally a quantile sketch of the first response time. Partials
/// computed apart (threads, shards, nodes) merge to exactly the aggregate of all their facts.
/// Not thread-safe; aggregate per thread and merge.
/// </summary>
public sealed class KpiAggregate
{
    private KpiCounters counters = KpiCounters.Empty;

    // Streaming adds go to packed 16-bit lanes (12 words per fact instead of 29), flushed into the
    // wide counters when full and before any read.
    private LaneCounters lanes = LaneCounters.Empty;

    /// <summary>Creates an empty aggregate.</summary>
    /// <param name="withQuantiles">Whether to keep a first-response-time sketch for percentiles.</param>
    public KpiAggregate(bool withQuantiles = false) => FirstResponseSketch = withQuantiles ? new QuantileSketch() : null;

    internal KpiAggregate(in KpiCounters counters, QuantileSketch? sketch, bool hasCounters)
    {
        this.counters = hasCounters ? counters : KpiCounters.Empty with { Tickets = counters.Tickets };
        FirstResponseSketch = sketch;
        HasCounters = hasCounters;
    }

    /// <summary>
    /// Whether the counters behind the KPI values were computed. False for the groups of a query
    /// without counters (<see cref="KpiQuery.WithCounters"/>): then only <see cref="Tickets"/> and
    /// the sketch hold data, every other counter is zero and every other value is null.
    /// </summary>
    public bool HasCounters { get; private set; } = true;

    /// <summary>Tickets.</summary>
    public long Tickets => Settled.Tickets;

    /// <summary>Resolved tickets.</summary>
    public long Resolved => Settled.Resolved;

    /// <summary>Tickets solved in the first contact.</summary>
    public long FirstContactResolved => Settled.FirstContactResolved;

    /// <summary>Complaints.</summary>
    public long Complaints => Settled.Complaints;

    /// <summary>Reopened tickets.</summary>
    public long Reopened => Settled.Reopened;

    /// <summary>Escalated tickets.</summary>
    public long Escalated => Settled.Escalated;

    /// <summary>Tickets with a first response.</summary>
    public long Responded => Settled.Responded;

    /// <summary>Σ first response seconds.</summary>
    public long FirstResponseSeconds => Settled.FirstResponseSeconds;

    /// <summary>Shortest first response, seconds (long.MaxValue when none).</summary>
    public long FirstResponseMin => Settled.FirstResponseMin;

    /// <summary>Longest first response, seconds (−1 when none).</summary>
    public long FirstResponseMax => Settled.FirstResponseMax;

    /// <summary>Tickets with a handling time.</summary>
    public long Handled => Settled.Handled;

    /// <summary>Σ handling seconds.</summary>
    public long HandlingSeconds => Settled.HandlingSeconds;

    /// <summary>Tickets whose first-response target is settled.</summary>
    public long FirstResponseSlaDue => Settled.FirstResponseSlaDue;

    /// <summary>Of those, met.</summary>
    public long FirstResponseSlaMet => Settled.FirstResponseSlaMet;

    /// <summary>Tickets whose resolution target is settled.</summary>
    public long ResolutionSlaDue => Settled.ResolutionSlaDue;

    /// <summary>Of those, met.</summary>
    public long ResolutionSlaMet => Settled.ResolutionSlaMet;

    /// <summary>Revisits due.</summary>
    public long RevisitsDue => Settled.RevisitsDue;

    /// <summary>Revisits done on time.</summary>
    public long RevisitsOnTime => Settled.RevisitsOnTime;

    /// <summary>CSAT answers.</summary>
    public long CsatAnswers => Settled.CsatAnswers;

    /// <summary>Σ CSAT scores.</summary>
    public long CsatSum => Settled.CsatSum;

    /// <summary>CSAT answers of 4 or 5.</summary>
    public long CsatSatisfied => Settled.CsatSatisfied;

    /// <summary>Recommendation answers.</summary>
    public long RecommendationAnswers => Settled.RecommendationAnswers;

    /// <summary>Promoters.</summary>
    public long Promoters => Settled.Promoters;

    /// <summary>Detractors.</summary>
    public long Detractors => Settled.Detractors;

    /// <summary>Effort answers.</summary>
    public long EffortAnswers => Settled.EffortAnswers;

    /// <summary>Σ effort scores.</summary>
    public long EffortSum => Settled.EffortSum;

    /// <summary>Inspected tickets.</summary>
    public long Inspected => Settled.Inspected;

    /// <summary>Inspected and accurate.</summary>
    public long Accurate => Settled.Accurate;

    /// <summary>Σ first response seconds squared.</summary>
    public double FirstResponseSquares => Settled.FirstResponseSquares;

    /// <summary>The first response sketch, when percentiles were asked for.</summary>
    public QuantileSketch? FirstResponseSketch { get; private set; }

    /// <summary>Adds one fact.</summary>
    /// <param name="fact">The fact.</param>
    public void Add(in TicketFact fact)
    {
        lanes.Add(fact);
        if (lanes.IsFull)
        {
            Flush();
        }

        if (fact.RawFirstResponseSeconds >= 0)
        {
            FirstResponseSketch?.Add(fact.RawFirstResponseSeconds);
        }
    }

    private ref readonly KpiCounters Settled
    {
        get
        {
            Flush();
            return ref counters;
        }
    }

    private void Flush()
    {
        if (!lanes.IsEmpty)
        {
            lanes.FlushInto(ref counters);
            if (!HasCounters)
            {
                StripCounters();
            }
        }
    }

    /// <summary>
    /// Adds another partial aggregate. A part without counters (<see cref="HasCounters"/>) or
    /// without a sketch leaves this aggregate without them too: a rate or a percentile over only
    /// some of the tickets would be wrong.
    /// </summary>
    /// <param name="other">The other partial.</param>
    public void Merge(KpiAggregate other)
    {
        Preconditions.CheckNotNull(other);
        Flush();
        counters.Merge(other.Settled);
        if (!HasCounters || !other.HasCounters)
        {
            // A part without counters leaves the whole without them: keep the ticket count only.
            HasCounters = false;
            StripCounters();
        }

        // Likewise a part without a sketch: percentiles over some of the tickets would be wrong.
        if (other.FirstResponseSketch is { } sketch)
        {
            FirstResponseSketch?.Merge(sketch);
        }
        else
        {
            FirstResponseSketch = null;
        }
    }

    /// <summary>
    /// The aggregate as bytes, to send a partial computed on one node to another and merge it there
    /// (<see cref="FromBytes"/>, then <see cref="Merge"/>): a format version, which parts it holds,
    /// its 29 counters and its sketch, as 7-bit variable-length integers. Merging partials read
    /// back gives exactly what merging the originals gives. The same aggregate always gives the same bytes.
    /// </summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        Flush();
        return AggregateFormat.Write(FormatVersion, writer =>
        {
            writer.Write((byte)((HasCounters ? 1 : 0) | (FirstResponseSketch is null ? 0 : 2)));
            foreach (var field in System.Runtime.InteropServices.MemoryMarshal.Cast<KpiCounters, long>(new ReadOnlySpan<KpiCounters>(in counters)))
            {
                writer.Write7BitEncodedInt64(field);
            }

            FirstResponseSketch?.WriteTo(writer);
        });
    }

    /// <summary>Reads an aggregate written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The aggregate.</returns>
    /// <exception cref="FormatException">The bytes are not an aggregate this version reads: truncated, trailing data, another format version, unknown parts.</exception>
    public static KpiAggregate FromBytes(ReadOnlySpan<byte> bytes) => AggregateFormat.Read(bytes, "aggregate", FormatVersion, reader =>
    {
        var parts = reader.ReadByte();
        if (parts > 3)
        {
            throw new FormatException($"aggregate: unknown parts 0x{parts:X2}.");
        }

        var counters = KpiCounters.Empty;
        var fields = System.Runtime.InteropServices.MemoryMarshal.Cast<KpiCounters, long>(new Span<KpiCounters>(ref counters));
        var maxField = (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(ref fields[0], ref System.Runtime.CompilerServices.Unsafe.As<long, long>(ref counters.FirstResponseMax)) / sizeof(long));
        for (var i = 0; i < fields.Length; i++)
        {
            // Counts, sums, the minimum (long.MaxValue when none) and the squares' bits are never negative; the maximum is −1 when none.
            fields[i] = reader.Read7BitEncodedInt64();
            if (fields[i] < (i == maxField ? -1 : 0))
            {
                throw new FormatException($"aggregate: counter {i} is {fields[i]}, below its range.");
            }
        }

        if ((parts & 1) == 0 && !counters.Equals(KpiCounters.Empty with { Tickets = counters.Tickets }))
        {
            throw new FormatException("aggregate: counters without the counters part.");
        }

        var sketch = (parts & 2) != 0 ? QuantileSketch.ReadFrom(reader) : null;
        return new KpiAggregate(counters, sketch, hasCounters: (parts & 1) != 0);
    });

    private const byte FormatVersion = 1;

    /// <summary>Flushes pending lanes, so that reading the aggregate changes nothing (safe for concurrent readers).</summary>
    internal KpiAggregate Settle()
    {
        Flush();
        return this;
    }

    private void StripCounters() => counters = KpiCounters.Empty with { Tickets = counters.Tickets };

    /// <summary>A copy holding the ticket count and the sketch only, as a query without counters returns it.</summary>
    internal KpiAggregate WithoutCounters() => new(Settled, FirstResponseSketch, hasCounters: false);

    /// <summary>
    /// The KPIs of the guides from this aggregate; a KPI with a zero denominator is null (no data),
    /// never NaN. Without counters (<see cref="HasCounters"/>) only the ticket count and the
    /// percentiles are given.
    /// </summary>
    /// <returns>The KPI values.</returns>
    public KpiValues ToValues() => HasCounters
        ? CounterValues()
        : new KpiValues
        {
            Tickets = Tickets,
            FirstResponseP50Seconds = FirstResponseSketch?.Quantile(0.5),
            FirstResponseP90Seconds = FirstResponseSketch?.Quantile(0.9),
        };

    private KpiValues CounterValues() => new()
    {
        Tickets = Tickets,
        FirstResponseMeanSeconds = KpiDefinitions.FirstResponseTime.ValueOf(this),
        FirstResponseStdDevSeconds = Responded == 0 ? null : Math.Sqrt(Math.Max(0, (FirstResponseSquares / Responded) - Math.Pow((double)FirstResponseSeconds / Responded, 2))),
        FirstResponseP50Seconds = FirstResponseSketch?.Quantile(0.5),
        FirstResponseP90Seconds = FirstResponseSketch?.Quantile(0.9),
        HandlingMeanSeconds = KpiDefinitions.AverageHandlingTime.ValueOf(this),
        FirstContactResolutionRate = KpiDefinitions.FirstContactResolution.ValueOf(this),
        ResolutionRate = KpiDefinitions.ResolutionRate.ValueOf(this),
        ServiceAccuracy = KpiDefinitions.ServiceAccuracy.ValueOf(this),
        CsatMean = KpiDefinitions.CsatMean.ValueOf(this),
        CsatSatisfiedShare = KpiDefinitions.CsatSatisfiedShare.ValueOf(this),
        NetPromoterScore = KpiDefinitions.NetPromoterScore.ValueOf(this),
        CustomerEffortScore = KpiDefinitions.CustomerEffortScore.ValueOf(this),
        ComplaintRate = KpiDefinitions.ComplaintRate.ValueOf(this),
        FirstResponseSlaAttainment = KpiDefinitions.FirstResponseSlaAttainment.ValueOf(this),
        ResolutionSlaAttainment = KpiDefinitions.ResolutionSlaAttainment.ValueOf(this),
        ReopenRate = KpiDefinitions.ReopenRate.ValueOf(this),
        RevisitOnTimeRate = KpiDefinitions.RevisitOnTime.ValueOf(this),
    };

}
