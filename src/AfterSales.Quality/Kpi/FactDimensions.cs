using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// A string ↔ dense integer dictionary for one dimension (team, agent, product...). Codes are
/// assigned in first-seen order from 0 and never change. Thread-safe.
/// </summary>
public sealed class DimensionDictionary
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> codes = new(StringComparer.Ordinal);
    private readonly List<string> values = [];

    /// <summary>Creates a dictionary.</summary>
    /// <param name="name">The dimension's name.</param>
    /// <param name="capacity">The most distinct values it may hold (255 for byte dimensions, 65 535 for ushort).</param>
    public DimensionDictionary(string name, int capacity)
    {
        Name = Preconditions.CheckNotBlank(name);
        Capacity = Preconditions.CheckRange(capacity, 1, 65_535);
    }

    /// <summary>The dimension's name.</summary>
    public string Name { get; }

    /// <summary>The most distinct values it may hold.</summary>
    public int Capacity { get; }

    /// <summary>How many distinct values it holds.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return values.Count;
            }
        }
    }

    /// <summary>The code of a value, assigning the next code to a new value.</summary>
    /// <param name="value">The value (null and empty become <c>(none)</c>).</param>
    /// <returns>The code.</returns>
    /// <exception cref="InvalidOperationException">The dimension is full.</exception>
    public int Encode(string? value)
    {
        var key = string.IsNullOrEmpty(value) ? "(none)" : value;
        lock (gate)
        {
            if (codes.TryGetValue(key, out var code))
            {
                return code;
            }

            if (values.Count >= Capacity)
            {
                throw new InvalidOperationException($"Dimension '{Name}' holds {Capacity} distinct values already; '{key}' does not fit.");
            }

            codes[key] = values.Count;
            values.Add(key);
            return values.Count - 1;
        }
    }

    /// <summary>The code of a value already in the dictionary (nothing is added).</summary>
    /// <param name="value">The value (null and empty mean <c>(none)</c>).</param>
    /// <param name="code">The code, when found.</param>
    /// <returns>Whether the value has a code.</returns>
    public bool TryGetCode(string? value, out int code)
    {
        var key = string.IsNullOrEmpty(value) ? "(none)" : value;
        lock (gate)
        {
            return codes.TryGetValue(key, out code);
        }
    }

    /// <summary>The value of a code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such code.</exception>
    public string Decode(int code)
    {
        lock (gate)
        {
            return (uint)code < (uint)values.Count ? values[code] : throw new ArgumentOutOfRangeException(nameof(code), code, $"Dimension '{Name}' has no code {code}.");
        }
    }
}

/// <summary>The dimension dictionaries of one fact table. Thread-safe.</summary>
public sealed class FactDimensions
{
    /// <summary>Teams (departments).</summary>
    public DimensionDictionary Teams { get; } = new("team", 65_535);

    /// <summary>Agents.</summary>
    public DimensionDictionary Agents { get; } = new("agent", 65_535);

    /// <summary>Products (models).</summary>
    public DimensionDictionary Products { get; } = new("product", 65_535);

    /// <summary>Channels.</summary>
    public DimensionDictionary Channels { get; } = new("channel", 255);

    /// <summary>Categories.</summary>
    public DimensionDictionary Categories { get; } = new("category", 255);

    /// <summary>Customer segments.</summary>
    public DimensionDictionary Segments { get; } = new("segment", 255);

    /// <summary>The value of a dimension code: the dictionary's value, or the priority's name (<c>(none)</c> before triage).</summary>
    /// <param name="dimension">One dimension.</param>
    /// <param name="code">The code, as a fact or a group key holds it.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not a single dimension, or no such code.</exception>
    public string NameOf(FactDimension dimension, int code) => dimension switch
    {
        FactDimension.Team => Teams.Decode(code),
        FactDimension.Agent => Agents.Decode(code),
        FactDimension.Product => Products.Decode(code),
        FactDimension.Channel => Channels.Decode(code),
        FactDimension.Category => Categories.Decode(code),
        FactDimension.Segment => Segments.Decode(code),
        FactDimension.Priority => code == 255 ? "(none)" : Enum.IsDefined((Priority)code) ? ((Priority)code).ToString() : throw new ArgumentOutOfRangeException(nameof(code), code, $"code: no priority has code {code}."),
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension: must be exactly one dimension."),
    };

    /// <summary>The code of a dimension value by name: a dictionary value, or a priority (<c>P0</c>–<c>P3</c>, <c>(none)</c> before triage).</summary>
    /// <param name="dimension">One dimension.</param>
    /// <param name="name">The value's name, as <see cref="NameOf"/> gives it.</param>
    /// <param name="code">The code, when the value is known.</param>
    /// <returns>Whether the value is known (a value no fact has is not).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not a single dimension.</exception>
    public bool TryGetCode(FactDimension dimension, string? name, out int code)
    {
        switch (dimension)
        {
            case FactDimension.Priority:
                code = name switch { "P0" => 0, "P1" => 1, "P2" => 2, "P3" => 3, "(none)" => 255, _ => -1 };
                return code >= 0;
            case FactDimension.Team: return Teams.TryGetCode(name, out code);
            case FactDimension.Agent: return Agents.TryGetCode(name, out code);
            case FactDimension.Product: return Products.TryGetCode(name, out code);
            case FactDimension.Channel: return Channels.TryGetCode(name, out code);
            case FactDimension.Category: return Categories.TryGetCode(name, out code);
            case FactDimension.Segment: return Segments.TryGetCode(name, out code);
            default: throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension: must be exactly one dimension.");
        }
    }

    /// <summary>Turns a measured ticket into a fact, encoding its dimensions.</summary>
    /// <param name="outcome">The ticket's measures.</param>
    /// <returns>The fact.</returns>
    public TicketFact ToFact(TicketOutcome outcome)
    {
        Preconditions.CheckNotNull(outcome);
        static int Seconds(NodaTime.Duration? d, int max = int.MaxValue) => d is { } v ? (int)Math.Clamp(v.TotalSeconds, 0, max) : -1;
        var flags = FactFlags.None;
        void Set(bool condition, FactFlags flag)
        {
            if (condition)
            {
                flags |= flag;
            }
        }

        Set(outcome.IsResolved, FactFlags.Resolved);
        Set(outcome.IsFirstContactResolution, FactFlags.FirstContactResolution);
        Set(outcome.IsComplaint, FactFlags.Complaint);
        Set(outcome.WasEscalated, FactFlags.Escalated);
        Set(outcome.WasTransferred, FactFlags.Transferred);
        Set(outcome.ReopenCount > 0, FactFlags.Reopened);
        Set(outcome.InspectedAccurate is not null, FactFlags.Inspected);
        Set(outcome.InspectedAccurate == true, FactFlags.Accurate);
        Set(outcome.FirstResponseSla is SlaOutcome.Met or SlaOutcome.Missed, FactFlags.FirstResponseSlaDue);
        Set(outcome.FirstResponseSla == SlaOutcome.Met, FactFlags.FirstResponseSlaMet);
        Set(outcome.ResolutionSla is SlaOutcome.Met or SlaOutcome.Missed, FactFlags.ResolutionSlaDue);
        Set(outcome.ResolutionSla == SlaOutcome.Met, FactFlags.ResolutionSlaMet);
        byte recommendation = outcome.LikelihoodToRecommend is { } n ? (byte)n
            : outcome.IsPromoter == true ? (byte)11 : outcome.IsDetractor == true ? (byte)13 : outcome.IsPromoter == false ? (byte)12 : (byte)255;
        // Beyond MaxReplies replies the fact keeps MaxReplies at the ticket's mean reply time; a total beyond MaxReplySeconds is capped.
        var replies = Math.Min(outcome.ReplyCount, TicketFact.MaxReplies);
        var replySeconds = outcome.ReplyTime is { } replyTime && outcome.ReplyCount > 0
            ? (int)Math.Clamp(Math.Floor(replyTime.TotalSeconds * replies / outcome.ReplyCount), 0, TicketFact.MaxReplySeconds)
            : 0;
        return new TicketFact
        {
            ReceivedMinute = (int)((outcome.ReceivedAt - TicketFact.Epoch).TotalMinutes),
            RawFirstResponseSeconds = Seconds(outcome.FirstResponseTime),
            RawFirstResponseWorkingSeconds = Seconds(outcome.FirstResponseWorkingTime, TicketFact.MaxWorkingSeconds),
            RawHandlingSeconds = Seconds(outcome.HandlingTime),
            RawResolutionWorkingSeconds = Seconds(outcome.ResolutionWorkingTime, TicketFact.MaxWorkingSeconds),
            RawResolutionSeconds = outcome.IsResolved ? Seconds(outcome.ResolutionTime) : -1,
            ReplyCount = replies,
            ReplySeconds = replySeconds,
            Team = (ushort)Teams.Encode(outcome.Team),
            Agent = (ushort)Agents.Encode(outcome.Agent),
            Product = (ushort)Products.Encode(outcome.ProductModel),
            Channel = (byte)Channels.Encode(outcome.Channel.Name),
            Category = (byte)Categories.Encode(outcome.Category?.Name),
            Priority = outcome.Priority,
            Segment = (byte)Segments.Encode(outcome.CustomerSegment),
            Flags = flags,
            CsatCode = (byte)Math.Clamp(outcome.Satisfaction ?? 0, 0, 5),
            RecommendationCode = recommendation,
            EffortCode = (byte)Math.Clamp(outcome.EffortScore ?? 0, 0, 7),
            RevisitsDue = Math.Min(15, outcome.RevisitsDue),
            RevisitsOnTime = Math.Min(15, outcome.RevisitsOnTime),
        };
    }
}
