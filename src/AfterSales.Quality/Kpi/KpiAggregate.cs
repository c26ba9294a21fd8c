namespace AfterSales.Quality.Kpi;

/// <summary>
/// The mergeable partial aggregate behind every KPI of the guides: counts, sums, sums of squares,
/// minimum and maximum, and optionally a quantile sketch of each duration measure (<see cref="DurationMeasures"/>). Partials
/// computed apart (threads, shards, nodes) merge to exactly the aggregate of all their facts.
/// Not thread-safe; aggregate per thread and merge.
/// </summary>
public sealed class KpiAggregate
{
    private KpiCounters counters = KpiCounters.Empty;

    // Streaming adds go to packed 16-bit lanes (12 words per fact instead of 29), flushed into the
    // wide counters when full and before any read.
    private LaneCounters lanes = LaneCounters.Empty;

    // One sketch per duration measure asked for (by DurationMeasure index); null when none is.
    private QuantileSketch?[]? sketches;

    /// <summary>Creates an empty aggregate.</summary>
    /// <param name="withQuantiles">Whether to keep a first-response-time sketch for percentiles.</param>
    public KpiAggregate(bool withQuantiles = false)
        : this(withQuantiles ? DurationMeasures.FirstResponse : DurationMeasures.None)
    {
    }

    /// <summary>Creates an empty aggregate that keeps a sketch of each of the given duration measures, for percentiles.</summary>
    /// <param name="percentiles">The measures to keep a sketch of.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentiles"/> has a bit that is no measure.</exception>
    public KpiAggregate(DurationMeasures percentiles)
    {
        if ((percentiles & ~DurationMeasures.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(percentiles), percentiles, "percentiles: only DurationMeasures flags.");
        }

        if (percentiles != DurationMeasures.None)
        {
            sketches = new QuantileSketch?[DurationMeasure.Count];
            for (var i = 0; i < DurationMeasure.Count; i++)
            {
                sketches[i] = ((int)percentiles & (1 << i)) != 0 ? new QuantileSketch() : null;
            }
        }
    }

    internal KpiAggregate(in KpiCounters counters, QuantileSketch?[]? sketches, bool hasCounters)
    {
        this.counters = hasCounters ? counters : KpiCounters.Empty with { Tickets = counters.Tickets };
        this.sketches = sketches is null || System.Array.TrueForAll(sketches, s => s is null) ? null : sketches;
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

    /// <summary>Transferred tickets (reassigned to another agent at least once).</summary>
    public long Transferred => Settled.Transferred;

    /// <summary>Replies to customers (every reply, not only the first; at most <see cref="TicketFact.MaxReplies"/> a ticket).</summary>
    public long Replies => Settled.Replies;

    /// <summary>Σ the replies' response times, seconds.</summary>
    public long ReplySeconds => Settled.ReplySeconds;

    /// <summary>Tickets with a wall-clock resolution time (finally resolved).</summary>
    public long ResolutionTimed => Settled.ResolutionTimed;

    /// <summary>Σ wall-clock resolution seconds (received → finally resolved).</summary>
    public long ResolutionSeconds => Settled.ResolutionSeconds;

    /// <summary>Tickets with a working-time resolution time.</summary>
    public long ResolutionWorkingTimed => Settled.ResolutionWorkingTimed;

    /// <summary>Σ working-time resolution seconds.</summary>
    public long ResolutionWorkingSeconds => Settled.ResolutionWorkingSeconds;

    /// <summary>The first response sketch, when its percentiles were asked for.</summary>
    public QuantileSketch? FirstResponseSketch => sketches?[0];

    /// <summary>The duration measures this aggregate keeps a sketch of.</summary>
    public DurationMeasures Percentiles
    {
        get
        {
            var measures = DurationMeasures.None;
            for (var i = 0; sketches is not null && i < DurationMeasure.Count; i++)
            {
                measures |= sketches[i] is null ? DurationMeasures.None : (DurationMeasures)(1 << i);
            }

            return measures;
        }
    }

    /// <summary>The sketch of one duration measure, when its percentiles were asked for.</summary>
    /// <param name="measure">Exactly one measure.</param>
    /// <returns>The sketch; null when this aggregate keeps none of that measure.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="measure"/> is not exactly one measure.</exception>
    public QuantileSketch? SketchOf(DurationMeasures measure) => DurationMeasure.TryIndexOf(measure, out var index)
        ? sketches?[index]
        : throw new ArgumentOutOfRangeException(nameof(measure), measure, "measure: exactly one DurationMeasures flag.");

    /// <summary>Adds one fact.</summary>
    /// <param name="fact">The fact.</param>
    public void Add(in TicketFact fact)
    {
        lanes.Add(fact);
        if (lanes.IsFull)
        {
            Flush();
        }

        if (sketches is { } kept)
        {
            for (var i = 0; i < kept.Length; i++)
            {
                if (kept[i] is { } sketch && DurationMeasure.RawOf(fact, i) is >= 0 and var seconds)
                {
                    sketch.Add(seconds);
                }
            }
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

        // Likewise a part without a measure's sketch: percentiles over some of the tickets would be wrong.
        if (sketches is { } kept)
        {
            for (var i = 0; i < kept.Length; i++)
            {
                if (other.sketches?[i] is { } sketch)
                {
                    kept[i]?.Merge(sketch);
                }
                else
                {
                    kept[i] = null;
                }
            }

            if (System.Array.TrueForAll(kept, k => k is null))
            {
                sketches = null;
            }
        }
    }

    /// <summary>
    /// The aggregate as bytes, to send a partial computed on one node to another and merge it there
    /// (<see cref="FromBytes"/>, then <see cref="Merge"/>): a format version, which parts it holds,
    /// its 36 counters and its sketches (one per duration measure kept, in <see cref="DurationMeasures"/> order), as 7-bit variable-length integers. Merging partials read
    /// back gives exactly what merging the originals gives. The same aggregate always gives the same bytes.
    /// </summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        Flush();
        return AggregateFormat.Write(FormatVersion, writer =>
        {
            writer.Write((byte)((HasCounters ? 1 : 0) | ((int)Percentiles << 1)));
            foreach (var field in System.Runtime.InteropServices.MemoryMarshal.Cast<KpiCounters, long>(new ReadOnlySpan<KpiCounters>(in counters)))
            {
                writer.Write7BitEncodedInt64(field);
            }

            foreach (var sketch in sketches ?? [])
            {
                sketch?.WriteTo(writer);
            }
        });
    }

    /// <summary>Reads an aggregate written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The aggregate.</returns>
    /// <exception cref="FormatException">The bytes are not an aggregate this version reads: truncated, trailing data, another format version, unknown parts.</exception>
    public static KpiAggregate FromBytes(ReadOnlySpan<byte> bytes) => AggregateFormat.Read(bytes, "aggregate", FormatVersion, reader =>
    {
        var parts = reader.ReadByte();
        if (parts > (1 | ((int)DurationMeasures.All << 1)))
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

        var sketches = new QuantileSketch?[DurationMeasure.Count];
        for (var i = 0; i < sketches.Length; i++)
        {
            sketches[i] = (parts & (2 << i)) != 0 ? QuantileSketch.ReadFrom(reader) : null;
        }

        return new KpiAggregate(counters, sketches, hasCounters: (parts & 1) != 0);
    });

    // 2: the transfer, reply and resolution counters and a sketch per duration measure (1 had 29 counters and the FRT sketch only).
    private const byte FormatVersion = 2;

    /// <summary>Flushes pending lanes, so that reading the aggregate changes nothing (safe for concurrent readers).</summary>
    internal KpiAggregate Settle()
    {
        Flush();
        return this;
    }

    private void StripCounters() => counters = KpiCounters.Empty with { Tickets = counters.Tickets };

    /// <summary>A copy holding the ticket count and the sketch only, as a query without counters returns it.</summary>
    internal KpiAggregate WithoutCounters() => new(Settled, sketches, hasCounters: false);

    /// <summary>
    /// The KPIs of the guides from this aggregate; a KPI with a zero denominator is null (no data),
    /// never NaN. Without counters (<see cref="HasCounters"/>) only the ticket count and the
    /// percentiles are given.
    /// </summary>
    /// <returns>The KPI values.</returns>
    public KpiValues ToValues() => HasCounters ? CounterValues() : OnlyPercentiles();

    /// <summary>The percentiles of each sketch (null when the measure has none), read once per group.</summary>
    private (double? P50, double? P90, double? P95)[] ReadPercentiles()
    {
        var result = new (double?, double?, double?)[DurationMeasure.Count];
        for (var m = 0; sketches is not null && m < result.Length; m++)
        {
            if (sketches[m] is { } sketch)
            {
                result[m] = (sketch.Quantile(0.5), sketch.Quantile(0.9), sketch.Quantile(0.95));
            }
        }

        return result;
    }

    private KpiValues OnlyPercentiles()
    {
        if (sketches is null)
        {
            return new KpiValues { Tickets = Tickets };
        }

        var p = ReadPercentiles();
        return new KpiValues
        {
            Tickets = Tickets,
            FirstResponseP50Seconds = p[0].P50, FirstResponseP90Seconds = p[0].P90, FirstResponseP95Seconds = p[0].P95,
            ResolutionP50Seconds = p[1].P50, ResolutionP90Seconds = p[1].P90, ResolutionP95Seconds = p[1].P95,
            ResolutionWorkingP50Seconds = p[2].P50, ResolutionWorkingP90Seconds = p[2].P90, ResolutionWorkingP95Seconds = p[2].P95,
            HandlingP50Seconds = p[3].P50, HandlingP90Seconds = p[3].P90, HandlingP95Seconds = p[3].P95,
            ReplyP50Seconds = p[4].P50, ReplyP90Seconds = p[4].P90, ReplyP95Seconds = p[4].P95,
        };
    }

    private KpiValues CounterValues()
    {
        var p = ReadPercentiles();
        return new()
        {
        Tickets = Tickets,
        FirstResponseP50Seconds = p[0].P50, FirstResponseP90Seconds = p[0].P90, FirstResponseP95Seconds = p[0].P95,
        ResolutionP50Seconds = p[1].P50, ResolutionP90Seconds = p[1].P90, ResolutionP95Seconds = p[1].P95,
        ResolutionWorkingP50Seconds = p[2].P50, ResolutionWorkingP90Seconds = p[2].P90, ResolutionWorkingP95Seconds = p[2].P95,
        HandlingP50Seconds = p[3].P50, HandlingP90Seconds = p[3].P90, HandlingP95Seconds = p[3].P95,
        ReplyP50Seconds = p[4].P50, ReplyP90Seconds = p[4].P90, ReplyP95Seconds = p[4].P95,
        FirstResponseMeanSeconds = KpiDefinitions.FirstResponseTime.ValueOf(this),
        FirstResponseStdDevSeconds = Responded == 0 ? null : Math.Sqrt(Math.Max(0, (FirstResponseSquares / Responded) - Math.Pow((double)FirstResponseSeconds / Responded, 2))),
        ReplyMeanSeconds = KpiDefinitions.AverageReplyTime.ValueOf(this),
        ResolutionMeanSeconds = KpiDefinitions.MeanTimeToResolution.ValueOf(this),
        ResolutionWorkingMeanSeconds = KpiDefinitions.ResolutionWorkingTime.ValueOf(this),
        TransferRate = KpiDefinitions.TransferRate.ValueOf(this),
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

}
