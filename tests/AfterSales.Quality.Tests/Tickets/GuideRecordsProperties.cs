using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Tickets;

/// <summary>Laws of the guides' records: revisit numbers derived from feedback numbers are unique, and table 2's analysis keeps the last value given per field.</summary>
public sealed class GuideRecordsProperties
{
    /// <summary>Distinct (feedback number, cycle) pairs never share a revisit number, whatever the formats.</summary>
    [Property(MaxTest = 300)]
    public void Revisit_numbers_from_feedback_numbers_are_unique(int seed, byte digits, bool otherPrefixes)
    {
        var random = new Random(seed);
        var options = new DocumentNumberingOptions
        {
            Feedback = new DocumentNumberFormat { Prefix = otherPrefixes ? "FB" : "F", SequenceDigits = 1 + (digits % 4) },
            Revisit = new DocumentNumberFormat { Prefix = otherPrefixes ? "R" : "HV" },
        };
        var pairs = new HashSet<(string Feedback, int Cycle)>();
        for (var i = 0; i < 200; i++)
        {
            var date = new LocalDate(2024, 1, 1).PlusDays(random.Next(0, 3));
            pairs.Add((options.Feedback.Format(date, random.Next(1, 1500)), random.Next(1, 4)));
        }

        var numbers = pairs.Select(p => RevisitNumbers.FromFeedbackNumber(options, p.Feedback, p.Cycle)).ToArray();
        Assert.Equal(numbers.Length, numbers.Distinct(StringComparer.Ordinal).Count());
        Assert.All(numbers, n => Assert.StartsWith(options.Revisit.Prefix, n, StringComparison.Ordinal));
    }

    /// <summary>After any sequence of analyses, each field holds the last non-null value given (null when none was).</summary>
    [Property(MaxTest = 200)]
    public void Each_analysis_field_keeps_the_last_value_given(byte[] script)
    {
        var id = TicketId.New();
        var at = Instant.FromUtc(2024, 3, 1, 2, 30);
        var history = new List<TicketEvent>
        {
            new TicketRegistered
            {
                TicketId = id, OccurredAt = at, Actor = "agent", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240301001",
                Intake = TicketTestHost.Intake(at),
            },
            new TicketTriaged
            {
                TicketId = id, OccurredAt = at, Actor = "triage", CommandId = Guid.NewGuid(), Category = TicketCategory.ProductFault,
                Assessment = new PriorityAssessment(), Priority = Priority.P2, PriorityRule = "r", Route = new Route { Department = "d" }, RoutingRule = "r",
            },
        };
        string? rootCause = null, scope = null;
        LocalDate? planned = null;
        foreach (var step in script)
        {
            var e = new AnalysisRecorded
            {
                TicketId = id, OccurredAt = at, Actor = "tech", CommandId = Guid.NewGuid(),
                RootCauseAnalysis = (step & 1) != 0 ? $"cause {step}" : null,
                ImpactScopeDescription = (step & 2) != 0 ? $"scope {step}" : null,
                PlannedCompletion = (step & 4) != 0 ? new LocalDate(2024, 3, 1).PlusDays(step % 30) : null,
            };
            history.Add(e);
            rootCause = e.RootCauseAnalysis ?? rootCause;
            scope = e.ImpactScopeDescription ?? scope;
            planned = e.PlannedCompletion ?? planned;
        }

        var ticket = Ticket.Replay(id, history);
        Assert.Equal((rootCause, scope, planned), (ticket.RootCauseAnalysis, ticket.ImpactScopeDescription, ticket.PlannedCompletion));
        Assert.Equal(ticket, Ticket.Replay(id, history)); // replay is deterministic
    }
}
