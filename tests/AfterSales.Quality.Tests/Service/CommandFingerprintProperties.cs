using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Tickets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Service;

/// <summary>
/// The hand-written fingerprint encoding equals the reflection serializer's (the oracle, kept verbatim in
/// <see cref="ReflectionCommandFingerprint"/>) on generated commands of every type: strings that need
/// escaping (quotes, HTML characters, control characters, non-ASCII, surrogate pairs), nulls in required
/// fields, undefined enum values, the fields added later set and unset, extreme instants and dates. So a
/// fingerprint stored by an earlier release still recognises the retry of its command.
/// </summary>
public sealed class CommandFingerprintProperties
{
    private static readonly string[] Pieces =
        ["", " ", "a", "Zhang San", "张三", "\"", "\\", "<script>", "&amp;", "'", "+", "`", "\u0000", "\u0001", "\n\r\t", "\u007f", "\u0085", "\u00e9", "\u2028", "😀", "\ud83d", "/", "13812345678", "C10086"];

    private static readonly Func<Random, TicketId, string?, TicketCommand>[] Builders =
    [
        (r, id, a) => new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Intake = r.Next(20) == 0 ? null! : Intake(r) },
        (r, id, a) => new TriageTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Category = r.Next(5) == 0 ? default : new TicketCategory(Pick(r, "complaint", "product-fault", "x.y_z-1")),
            Assessment = r.Next(20) == 0 ? null! : new PriorityAssessment { ImpactScope = (ImpactScope)r.Next(-1, 6), Urgency = (Urgency)r.Next(-1, 6), Severity = (Severity)r.Next(-1, 6), IsKeyAccount = r.Next(2) == 0 },
            Department = Text(r), FirstResponsiblePerson = Text(r), RootCauseAnalysis = Text(r), ImpactScopeDescription = Text(r), PlannedCompletion = Date(r),
        },
        (r, id, a) => new RecordAnalysis { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, RootCauseAnalysis = Text(r), ImpactScopeDescription = Text(r), PlannedCompletion = Date(r) },
        (r, id, a) => new ExplainDelay { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Target = Text(r), Reason = Text(r)!, CustomerInformed = r.Next(2) == 0 },
        (r, id, a) => new OverridePriority { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Priority = (Priority)r.Next(-2, 6), Reason = Text(r)! },
        (r, id, a) => new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Assignee = Text(r)! },
        (r, id, a) => new ReassignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Assignee = Text(r)!, Department = Text(r), Reason = Text(r)! },
        (r, id, a) => new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = a! },
        (r, id, a) => new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Summary = Text(r) },
        (r, id, a) => new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Reason = Text(r)! },
        (r, id, a) => new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = a! },
        (r, id, a) => new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Level = r.Next(3) == 0 ? r.Next(int.MinValue, int.MaxValue) : r.Next(0, 10), Reason = Text(r)!, EscalatedTo = Text(r) },
        (r, id, a) => new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Solution = Text(r)!, ResourcesUsed = Text(r) },
        (r, id, a) => new RecordRevisitAttempt { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Method = (RevisitMethod)r.Next(-1, 6), Note = Text(r) },
        (r, id, a) => new RecordRevisit
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Method = (RevisitMethod)r.Next(-1, 6), Resolved = r.Next(3) switch { 0 => null, 1 => true, _ => false },
            Score = r.Next(3) == 0 ? null : r.Next(-1, 7), Suggestions = Text(r), Unreachable = r.Next(2) == 0,
        },
        (r, id, a) => new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, ClosedBySource = Text(r) },
        (r, id, a) => new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Reason = Text(r)! },
        (r, id, a) => new MarkDuplicate { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, DuplicateOf = Text(r)!, Reason = Text(r)! },
        (r, id, a) => new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Answers = r.Next(20) == 0 ? null! : Survey(r) },
        (r, id, a) => new RecordInspection { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Accurate = r.Next(2) == 0, Notes = Text(r) },
        (r, id, a) => new RecordSurveySent { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Channel = Text(r)! },
        (r, id, a) => new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = a!, Reason = Text(r)! },
    ];

    /// <summary>A generated command, shown by its seed.</summary>
    public sealed record Case(TicketCommand Command, int Seed)
    {
        public override string ToString() => $"{Command.GetType().Name} (seed {Seed})";
    }

    public static Arbitrary<Case> Cases() => Gen.Choose(0, int.MaxValue - 1).Select(seed => new Case(Build(new Random(seed)), seed)).ToArbitrary();

    [Property(Arbitrary = [typeof(CommandFingerprintProperties)], MaxTest = 3000)]
    public void The_fingerprint_equals_the_reflection_serializers(Case generated) =>
        Assert.Equal(Outcome(() => ReflectionCommandFingerprint.Of(generated.Command)), Outcome(() => CommandFingerprint.Of(generated.Command)));

    [Property(Arbitrary = [typeof(CommandFingerprintProperties)], MaxTest = 300)]
    public void The_command_id_does_not_count(Case generated) =>
        Assert.Equal(CommandFingerprint.Of(generated.Command), CommandFingerprint.Of(generated.Command with { CommandId = Guid.NewGuid() }));

    [Fact]
    public void The_generator_covers_every_command_type()
    {
        // A new command type must get an encoding, and this generator a builder for it.
        var random = new Random(7);
        var generated = Builders.Select(b => b(random, TicketId.New(), "a").GetType()).ToHashSet();
        var all = typeof(TicketCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TicketCommand)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(all.OrderBy(t => t.Name).Select(t => t.Name), generated.OrderBy(t => t.Name).Select(t => t.Name));
    }

    [Fact]
    public void A_date_outside_the_iso_calendar_is_refused_as_before()
    {
        // The reflection serializer's NodaTime converter refused it; so does the encoder (the command would not validate anyway).
        var analysis = new RecordAnalysis { TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = "a", PlannedCompletion = new LocalDate(2024, 3, 1, CalendarSystem.Julian) };
        Assert.Equal(Assert.ThrowsAny<ArgumentException>(() => ReflectionCommandFingerprint.Of(analysis)).GetType(), Assert.ThrowsAny<ArgumentException>(() => CommandFingerprint.Of(analysis)).GetType());
        Assert.Equal(ReflectionCommandFingerprint.Of(analysis with { PlannedCompletion = new LocalDate(2024, 3, 1) }), CommandFingerprint.Of(analysis with { PlannedCompletion = new LocalDate(2024, 3, 1) }));
    }

    // The fingerprint, or the exception that refused the command (both encoders must refuse the same commands).
    private static string Outcome(Func<string> fingerprint)
    {
        try
        {
            return fingerprint();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return "refused: " + ex.GetType().Name;
        }
    }

    private static TicketCommand Build(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        var id = random.Next(30) == 0 ? default : new TicketId(new Guid(bytes));
        return Builders[random.Next(Builders.Length)](random, id, Text(random, nullShare: 20));
    }

    private static TicketIntake Intake(Random r) => new()
    {
        CustomerName = Text(r)!, CustomerNumber = Text(r), CustomerKind = (CustomerKind)r.Next(-1, 4), Contact = Text(r)!, Address = Text(r), CustomerSegment = Text(r),
        ProductModel = Text(r)!, ProductLine = Text(r), PurchaseOrServiceDate = Date(r), Channel = r.Next(5) == 0 ? default : new ServiceChannel(Pick(r, "phone", "email", "Web-Form", "a.b_c")),
        ReceivedAt = Moment(r), ProblemOccurredAt = r.Next(2) == 0 ? null : Moment(r), Description = Text(r)!, CustomerExpectation = Text(r), AlreadyTried = Text(r),
        ServiceTicketNumber = Text(r), Owner = Text(r)!,
    };

    private static SurveyAnswers Survey(Random r)
    {
        int? Score(int min, int max) => r.Next(3) == 0 ? null : r.Next(min - 1, max + 2);
        return new SurveyAnswers
        {
            Satisfaction = Score(1, 5), ResponseSpeed = Score(1, 5), Accuracy = Score(1, 5), Attitude = Score(1, 5), ResolutionEffect = Score(1, 5),
            LikelihoodToRecommend = Score(0, 10), Recommend = r.Next(3) == 0 ? null : (RecommendAnswer)r.Next(-1, 4), EffortScore = Score(1, 7),
            IsReturningCustomer = r.Next(3) switch { 0 => null, 1 => true, _ => false }, Channel = Text(r), Suggestion = Text(r),
        };
    }

    private static Instant Moment(Random r) => r.Next(4) switch
    {
        0 => Instant.FromUtc(r.Next(1, 10000), r.Next(1, 13), r.Next(1, 29), r.Next(24), r.Next(60), r.Next(60)),
        1 => Instant.FromUtc(2024, 3, 1, 2, 30).PlusNanoseconds(r.NextInt64(-1_000_000_000_000, 1_000_000_000_000)),
        2 => r.Next(2) == 0 ? Instant.MinValue : Instant.MaxValue,
        _ => Instant.FromUnixTimeSeconds(r.NextInt64(-62_135_596_800, 253_402_300_799)),
    };

    private static LocalDate? Date(Random r) => r.Next(3) == 0 ? null : new LocalDate(r.Next(1, 10000), r.Next(1, 13), r.Next(1, 29));

    private static string? Text(Random r, int nullShare = 4)
    {
        if (r.Next(nullShare) == 0)
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        for (var n = r.Next(0, 6); n > 0; n--)
        {
            text.Append(r.Next(3) == 0 ? (char)r.Next(0, 0x10000) : Pieces[r.Next(Pieces.Length)]);
        }

        return text.ToString();
    }

    private static string Pick(Random r, params string[] values) => values[r.Next(values.Length)];
}
