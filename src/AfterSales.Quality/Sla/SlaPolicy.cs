using AfterSales.Quality.Calendars;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Sla;

/// <summary>The service-level targets the guides define.</summary>
public enum SlaTargetKind
{
    /// <summary>From receipt to the first human reply (P0 24 h, P1 48 h, P2 72 h; live chat 30 s).</summary>
    FirstResponse = 0,

    /// <summary>From receipt to resolution, paused while pending the customer; resumes after a reopen.</summary>
    Resolution = 1,

    /// <summary>From the start of work to the escalation of a complex issue (2 h); applies to escalated tickets only.</summary>
    Escalation = 2,

    /// <summary>From resolution to the revisit outcome (P0/P1 24 h, P2 48 h, P3 72 h); one per resolution.</summary>
    RevisitAfterResolution = 3,

    /// <summary>Negative feedback (a complaint, or an unsatisfied revisit): contact the customer within 24 h.</summary>
    NegativeFeedbackContact = 4,

    /// <summary>Negative feedback: resolve and revisit within 72 h.</summary>
    NegativeFeedbackResolution = 5,
}

/// <summary>One target of a policy: a duration of working time on a named calendar. Immutable.</summary>
public sealed record SlaTarget
{
    /// <summary>What is measured.</summary>
    public SlaTargetKind Kind { get; init; }

    /// <summary>The working time allowed; positive (zero and negative targets are refused by <see cref="SlaPolicySet.Validate()"/>).</summary>
    public Duration Duration { get; init; }

    /// <summary>The name of the calendar the duration runs on (a key of <see cref="SlaPolicySet.Calendars"/>). Default <c>default</c>.</summary>
    public string Calendar { get; init; } = SlaPolicySet.DefaultCalendarName;
}

/// <summary>
/// An SLA policy: conditions on the ticket (priority, category, channel, customer segment; unset
/// conditions match anything) and the targets it sets. Immutable.
/// </summary>
public sealed record SlaPolicy
{
    /// <summary>The policy's name, reported with every target status.</summary>
    public string Name { get; init; } = "";

    /// <summary>Priorities that match; empty matches every priority, including a ticket not yet triaged.</summary>
    public IReadOnlyList<Priority> Priorities { get; init; } = [];

    /// <summary>Categories that match; empty matches every category.</summary>
    public IReadOnlyList<TicketCategory> Categories { get; init; } = [];

    /// <summary>Channels that match; empty matches every channel.</summary>
    public IReadOnlyList<ServiceChannel> Channels { get; init; } = [];

    /// <summary>Customer segments that match (case-insensitive); empty matches every segment.</summary>
    public IReadOnlyList<string> CustomerSegments { get; init; } = [];

    /// <summary>The targets the policy sets.</summary>
    public IReadOnlyList<SlaTarget> Targets { get; init; } = [];

    /// <summary>Whether the policy's conditions hold for a ticket.</summary>
    /// <param name="ticket">The ticket (its current priority, category, channel and segment).</param>
    /// <returns><see langword="true"/> when every set condition holds.</returns>
    public bool Matches(Ticket ticket)
    {
        Preconditions.CheckNotNull(ticket);
        return (Priorities.Count == 0 || (ticket.Priority is { } p && Priorities.Contains(p)))
            && (Categories.Count == 0 || (ticket.Category is { } c && Categories.Contains(c)))
            && (Channels.Count == 0 || (ticket.Intake is { } intake && Channels.Contains(intake.Channel)))
            && (CustomerSegments.Count == 0 || (ticket.Intake?.CustomerSegment is { } segment && CustomerSegments.Contains(segment, StringComparer.OrdinalIgnoreCase)));
    }
}

/// <summary>
/// The SLA policies in force and the calendars they run on. For each target kind, every policy that
/// matches the ticket and sets that target applies, and the <b>strictest</b> wins: the target due first
/// when counted from the ticket's receipt (on the same calendar simply the shortest; policy order breaks
/// ties only). So a chat ticket owes both the channel's 30-second answer and its priority's response, and
/// the 30 seconds bind; the priority still sets resolution and revisit, which the channel policy does not
/// set; and the result does not depend on the order of the list. A narrow policy can tighten a target,
/// never loosen it. The ticket's current attributes choose the policy, and clocks always run from the
/// original start, so a priority change re-targets retroactively and keeps every pause. Immutable.
/// </summary>
public sealed record SlaPolicySet
{
    /// <summary>The calendar name targets use unless they name another.</summary>
    public const string DefaultCalendarName = "default";

    /// <summary>
    /// The guides' targets on a 24×7 UTC calendar named <c>default</c> (replace it with the service
    /// desk's business calendar under the same name): live chat first response 30 s (stricter than any
    /// priority's, so it binds chat tickets; the priority sets their resolution and revisit); P0 first response
    /// 24 h, P1 48 h, P2 72 h (P3: none — next regular improvement cycle); revisit after resolution
    /// P0/P1 24 h, P2 48 h, P3 72 h; escalation of a complex issue 2 h; negative feedback contact 24 h,
    /// resolve and revisit 72 h. Resolution targets are this library's defaults (the guides set
    /// them per case): P0 72 h, P1 7 days, P2 10 days, P3 30 days.
    /// </summary>
    public static SlaPolicySet Default { get; } = new()
    {
        Policies =
        [
            new() { Name = "live-chat", Channels = [ServiceChannel.OnlineChat], Targets = [Target(SlaTargetKind.FirstResponse, Duration.FromSeconds(30))] },
            PriorityPolicy(Priority.P0, firstResponseHours: 24, resolutionHours: 72, revisitHours: 24),
            PriorityPolicy(Priority.P1, firstResponseHours: 48, resolutionHours: 7 * 24, revisitHours: 24),
            PriorityPolicy(Priority.P2, firstResponseHours: 72, resolutionHours: 10 * 24, revisitHours: 48),
            PriorityPolicy(Priority.P3, firstResponseHours: null, resolutionHours: 30 * 24, revisitHours: 72),
            new()
            {
                Name = "negative-feedback",
                Targets = [Target(SlaTargetKind.NegativeFeedbackContact, Duration.FromHours(24)), Target(SlaTargetKind.NegativeFeedbackResolution, Duration.FromHours(72))],
            },
        ],
        Calendars = new Dictionary<string, BusinessCalendar>(StringComparer.Ordinal) { [DefaultCalendarName] = BusinessCalendar.TwentyFourSeven(DateTimeZone.Utc) },
    };

    /// <summary>The policies, in order.</summary>
    public IReadOnlyList<SlaPolicy> Policies { get; init; } = [];

    /// <summary>The calendars by name; must contain every calendar a target names.</summary>
    public IReadOnlyDictionary<string, BusinessCalendar> Calendars { get; init; } = new Dictionary<string, BusinessCalendar>();

    /// <summary>Shares of the target at which a warning is raised, ascending in (0, 1). Default 75 % and 90 %.</summary>
    public IReadOnlyList<double> WarningThresholds { get; init; } = [0.75, 0.90];

    /// <summary>
    /// Working time before a ticket's escalation point (the escalation target from the first start of work) at
    /// which an unescalated, unresolved ticket raises <see cref="SlaAlertKind.EscalationWarning"/>. Counted on the
    /// escalation target's calendar. Positive and shorter than every escalation target of the set. Default 30 minutes
    /// (on the guides' 2-hour target, the warning comes at 1 h 30 min of work).
    /// </summary>
    public Duration EscalationWarningLeadTime { get; init; } = Duration.FromMinutes(30);

    /// <summary>A copy with one calendar added or replaced (e.g. the business calendar as <c>default</c>).</summary>
    /// <param name="name">The calendar name.</param>
    /// <param name="calendar">The calendar.</param>
    /// <returns>The new policy set.</returns>
    public SlaPolicySet WithCalendar(string name, BusinessCalendar calendar)
    {
        Preconditions.CheckNotBlank(name);
        Preconditions.CheckNotNull(calendar);
        var calendars = new Dictionary<string, BusinessCalendar>(Calendars, StringComparer.Ordinal) { [name] = calendar };
        return this with { Calendars = calendars };
    }

    /// <summary>
    /// The target of a kind that applies to a ticket, with the policy that set it; null when none does. Of the
    /// matching policies that set the kind, the strictest target wins: the one due first when counted from the
    /// ticket's receipt (<see cref="TicketIntake.ReceivedAt"/>) on its own calendar — on one calendar, the shortest;
    /// the first in order among equals.
    /// </summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="kind">The target kind.</param>
    /// <returns>The policy and target, or null.</returns>
    public (SlaPolicy Policy, SlaTarget Target)? Select(Ticket ticket, SlaTargetKind kind)
    {
        Preconditions.CheckNotNull(ticket);

        // The choice depends on the ticket's priority, category, channel and segment only, and on its receipt when targets of
        // the kind use different calendars (then "stricter" compares due instants): remembered per set for the first case,
        // since every clock of every ticket asks (a rebuild asks millions of times).
        var cache = Selections.GetValue(this, static set => new SelectionCache(set));
        if (!cache.DependsOnReceipt(kind))
        {
            var key = new SelectionKey(ticket.Priority, ticket.Category, ticket.Intake?.Channel, ticket.Intake?.CustomerSegment, ticket.Intake is not null, kind);
            if (cache.Choices.TryGetValue(key, out var known))
            {
                return known;
            }

            var chosen = SelectUncached(ticket, kind);
            if (cache.Choices.Count < SelectionCache.Capacity)
            {
                cache.Choices.TryAdd(key, chosen);
            }

            return chosen;
        }

        return SelectUncached(ticket, kind);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SlaPolicySet, SelectionCache> Selections = new();

    internal (SlaPolicy Policy, SlaTarget Target)? SelectUncached(Ticket ticket, SlaTargetKind kind)
    {
        (SlaPolicy Policy, SlaTarget Target)? best = null;
        foreach (var policy in Policies)
        {
            if (!policy.Matches(ticket))
            {
                continue;
            }

            foreach (var target in policy.Targets)
            {
                if (target.Kind == kind && (best is null || IsStricter(target, best.Value.Target, ticket)))
                {
                    best = (policy, target);
                }
            }
        }

        return best;
    }

    /// <summary>What <see cref="Select"/> remembers for one set (an immutable record: a <c>with</c> copy is another set with its own cache).</summary>
    private sealed class SelectionCache
    {
        /// <summary>At most this many remembered choices (segments are free text: an unbounded set of keys must not grow the cache).</summary>
        public const int Capacity = 4096;

        private readonly bool[] dependsOnReceipt;

        public SelectionCache(SlaPolicySet set)
        {
            var kinds = Enum.GetValues<SlaTargetKind>();
            dependsOnReceipt = new bool[kinds.Max(k => (int)k) + 1];
            foreach (var kind in kinds)
            {
                dependsOnReceipt[(int)kind] = set.Policies.SelectMany(p => p.Targets).Where(t => t.Kind == kind).Select(t => t.Calendar).Distinct(StringComparer.Ordinal).Count() > 1;
            }
        }

        public System.Collections.Concurrent.ConcurrentDictionary<SelectionKey, (SlaPolicy Policy, SlaTarget Target)?> Choices { get; } = new();

        public bool DependsOnReceipt(SlaTargetKind kind) => (uint)kind >= (uint)dependsOnReceipt.Length || dependsOnReceipt[(int)kind];
    }

    /// <summary>Everything <see cref="SlaPolicy.Matches"/> and a same-calendar <see cref="IsStricter"/> read of a ticket; the segment compared as matching compares it (ignoring case).</summary>
    private readonly record struct SelectionKey(Priority? Priority, TicketCategory? Category, ServiceChannel? Channel, string? Segment, bool HasIntake, SlaTargetKind Kind)
    {
        public bool Equals(SelectionKey other) =>
            Priority == other.Priority && Category == other.Category && Channel == other.Channel && HasIntake == other.HasIntake && Kind == other.Kind
            && string.Equals(Segment, other.Segment, StringComparison.OrdinalIgnoreCase);

        public override int GetHashCode() =>
            HashCode.Combine(Priority, Category, Channel, Segment is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Segment), HasIntake, Kind);
    }

    /// <summary>Whether <paramref name="candidate"/> is due strictly before <paramref name="current"/>, both counted from the ticket's receipt.</summary>
    private bool IsStricter(SlaTarget candidate, SlaTarget current, Ticket ticket)
    {
        if (string.Equals(candidate.Calendar, current.Calendar, StringComparison.Ordinal) || ticket.Intake is null
            || Calendars is null || !Calendars.TryGetValue(candidate.Calendar, out var a) || !Calendars.TryGetValue(current.Calendar, out var b))
        {
            return candidate.Duration < current.Duration;
        }

        try
        {
            var from = ticket.Intake.ReceivedAt;
            return a.AddWorkingTime(from, candidate.Duration) < b.AddWorkingTime(from, current.Duration);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException) // CalendarCoverageException included
        {
            return candidate.Duration < current.Duration; // a calendar cannot count that far: rank by working time
        }
    }

    /// <summary>
    /// Checks the set and throws one exception listing every problem with its path (e.g.
    /// <c>SlaPolicySet.Policies[1].Targets[0].Duration</c>): a target must be positive (zero is
    /// refused: it would be due at its start with an infinite share), name a calendar of the set,
    /// and be set once per policy; thresholds ascend in (0, 1).
    /// </summary>
    /// <exception cref="QualityValidationException">A policy, target, calendar reference or threshold is invalid.</exception>
    public void Validate()
    {
        var errors = new ValidationCollector(nameof(SlaPolicySet));
        Validate(errors, nameof(SlaPolicySet));
        errors.ThrowIfAny();
    }

    // Sets already validated (an immutable record: validating an instance once is enough).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SlaPolicySet, object> Validated = new();

    /// <summary>Validates this instance the first time it is used by a clock; later calls are a look-up.</summary>
    internal void EnsureValid()
    {
        if (!Validated.TryGetValue(this, out _))
        {
            Validate();
            Validated.AddOrUpdate(this, Validated);
        }
    }

    internal void Validate(ValidationCollector errors, string prefix)
    {
        if (Calendars is null)
        {
            errors.Add($"{prefix}.{nameof(Calendars)}", "is required.");
        }

        errors.NamedItems(Policies, $"{prefix}.{nameof(Policies)}", "policy", item => item.Name, (policy, field) =>
        {
            var lists = new (object? List, string Name)[]
            {
                (policy.Priorities, nameof(SlaPolicy.Priorities)),
                (policy.Categories, nameof(SlaPolicy.Categories)),
                (policy.Channels, nameof(SlaPolicy.Channels)),
                (policy.CustomerSegments, nameof(SlaPolicy.CustomerSegments)),
                (policy.Targets, nameof(SlaPolicy.Targets)),
            };
            foreach (var (_, name) in lists.Where(l => l.List is null))
            {
                errors.Add($"{field}.{name}", "must not be null; leave it empty to match anything.");
            }

            if (policy.Priorities is not null)
            {
                foreach (var p in policy.Priorities.Where(p => !p.IsDefined()))
                {
                    errors.Add($"{field}.{nameof(SlaPolicy.Priorities)}", $"'{(int)p}' is not a priority (P0-P3).");
                }
            }

            if (policy.Targets is null)
            {
                return;
            }

            var kinds = new HashSet<SlaTargetKind>();
            for (var t = 0; t < policy.Targets.Count; t++)
            {
                var target = policy.Targets[t];
                var targetField = $"{field}.{nameof(SlaPolicy.Targets)}[{t}]";
                if (target is null)
                {
                    errors.Add(targetField, "must not be null.");
                    continue;
                }

                if (!Enum.IsDefined(target.Kind))
                {
                    errors.Add($"{targetField}.{nameof(SlaTarget.Kind)}", $"'{(int)target.Kind}' is not a target kind.");
                }
                else if (!kinds.Add(target.Kind))
                {
                    errors.Add($"{targetField}.{nameof(SlaTarget.Kind)}", $"{target.Kind} is set twice in the policy.");
                }

                if (target.Duration <= Duration.Zero)
                {
                    errors.Add($"{targetField}.{nameof(SlaTarget.Duration)}", $"must be positive; it was {target.Duration}.");
                }

                if (errors.Required(target.Calendar, $"{targetField}.{nameof(SlaTarget.Calendar)}") && Calendars is not null && !Calendars.ContainsKey(target.Calendar))
                {
                    errors.Add($"{targetField}.{nameof(SlaTarget.Calendar)}", $"'{target.Calendar}' is not a calendar of the set (known: {string.Join(", ", Calendars.Keys.Order())}).");
                }
            }
        });

        if (EscalationWarningLeadTime <= Duration.Zero)
        {
            errors.Add($"{prefix}.{nameof(EscalationWarningLeadTime)}", $"must be positive; it was {EscalationWarningLeadTime}.");
        }
        else if (Policies is not null
            && Policies.Select((p, i) => (Policy: p, Index: i, Target: p?.Targets?.FirstOrDefault(t => t is not null && t.Kind == SlaTargetKind.Escalation)))
                .FirstOrDefault(x => x.Target is not null && x.Target.Duration <= EscalationWarningLeadTime) is { Target: not null } tooShort)
        {
            errors.Add($"{prefix}.{nameof(EscalationWarningLeadTime)}", $"must be shorter than every escalation target; it was {EscalationWarningLeadTime}, and {prefix}.{nameof(Policies)}[{tooShort.Index}] ('{tooShort.Policy.Name}') allows {tooShort.Target.Duration}.");
        }

        if (WarningThresholds is null)
        {
            errors.Add($"{prefix}.{nameof(WarningThresholds)}", "must not be null; leave it empty for no warnings.");
        }
        else
        {
            for (var i = 0; i < WarningThresholds.Count; i++)
            {
                var share = WarningThresholds[i];
                if (!(share > 0 && share < 1))
                {
                    errors.Add($"{prefix}.{nameof(WarningThresholds)}[{i}]", $"must be a share between 0 and 1 exclusive; it was {share}.");
                }
                else if (i > 0 && share <= WarningThresholds[i - 1])
                {
                    errors.Add($"{prefix}.{nameof(WarningThresholds)}[{i}]", $"must be greater than the threshold before it ({WarningThresholds[i - 1]}).");
                }
            }
        }
    }

    private static SlaTarget Target(SlaTargetKind kind, Duration duration) => new() { Kind = kind, Duration = duration };

    private static SlaPolicy PriorityPolicy(Priority priority, int? firstResponseHours, int resolutionHours, int revisitHours)
    {
        var targets = new List<SlaTarget>();
        if (firstResponseHours is { } hours)
        {
            targets.Add(Target(SlaTargetKind.FirstResponse, Duration.FromHours(hours)));
        }

        targets.Add(Target(SlaTargetKind.Resolution, Duration.FromHours(resolutionHours)));
        targets.Add(Target(SlaTargetKind.RevisitAfterResolution, Duration.FromHours(revisitHours)));
        targets.Add(Target(SlaTargetKind.Escalation, Duration.FromHours(2)));
        return new SlaPolicy { Name = priority.ToString(), Priorities = [priority], Targets = targets };
    }
}
