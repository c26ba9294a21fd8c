using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Service;

/// <summary>
/// The fingerprint of a command: its type name, a colon, the first 96 bits (hex) of the SHA-256 of its
/// JSON with the command id blanked and the customer's name, contact and address left out, and for a
/// registration 8 more bits of a hash of those three. A full hash of a phone number is not anonymous
/// (the numbers can be enumerated); 8 bits leave hundreds of thousands of candidates, yet tell 255 of
/// 256 different customers apart under a reused id. Equal for a retry of the same command.
/// </summary>
/// <remarks>
/// The JSON is written by hand, byte for byte what the reflection serializer wrote when fingerprints
/// were first recorded (so stored fingerprints still match): every public property, the command's own
/// before the base record's, in declaration order, PascalCase names, enums as numbers, nested records as
/// objects, NodaTime values through NodaTime's converters, the default (HTML-safe) string escaping, and the
/// fields added later left out while null. No reflection and no serializer metadata: Native-AOT safe,
/// and one pass into a per-thread buffer. A test holds it to the reflection encoding over generated commands.
/// </remarks>
internal static class CommandFingerprint
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>The fingerprint of a command (see the type's summary).</summary>
    /// <param name="command">The command; its id does not count.</param>
    /// <returns>The type name, ':' and 24 hex digits, and for a registration '-' and 2 more.</returns>
    public static string Of(TicketCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var output = buffer ??= new ArrayBufferWriter<byte>(1024);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output);
        json.Reset(output);
        json.WriteStartObject();
        WriteOwnFields(json, command);
        json.WritePropertyName("TicketId"u8);
        json.WriteStartObject();
        json.WriteString("Value"u8, command.TicketId.Value);
        json.WriteBoolean("IsEmpty"u8, command.TicketId.IsEmpty);
        json.WriteEndObject();
        json.WriteString("CommandId"u8, Guid.Empty);
        json.WriteString("Actor"u8, command.Actor);
        json.WriteEndObject();
        json.Flush();

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(output.WrittenSpan, hash);
        var name = command.GetType().Name;
        var customer = command is RegisterTicket { Intake: { } intake } ? CustomerHash(intake) : "";
        return string.Concat(name, ":", Convert.ToHexStringLower(hash[..12]), customer);
    }

    // A registration's customer: 8 bits of the hash of name, contact, address and number (see the summary).
    private static string CustomerHash(TicketIntake intake)
    {
        var number = intake.CustomerNumber is null ? "" : "\u0000" + intake.CustomerNumber;
        var personal = SHA256.HashData(Encoding.UTF8.GetBytes($"{intake.CustomerName}\u0000{intake.Contact}\u0000{intake.Address}{number}"));
        return "-" + Convert.ToHexStringLower(personal.AsSpan(0, 1));
    }

    private static void WriteOwnFields(Utf8JsonWriter json, TicketCommand command)
    {
        switch (command)
        {
            case RegisterTicket c:
                WriteIntake(json, c.Intake);
                break;
            case TriageTicket c:
                json.WritePropertyName("Category"u8);
                json.WriteStartObject();
                json.WriteString("Name"u8, c.Category.Name);
                json.WriteEndObject();
                WriteAssessment(json, c.Assessment);
                json.WriteString("Department"u8, c.Department);
                json.WriteString("FirstResponsiblePerson"u8, c.FirstResponsiblePerson);
                OmittedWhenNull(json, "RootCauseAnalysis"u8, c.RootCauseAnalysis);
                OmittedWhenNull(json, "ImpactScopeDescription"u8, c.ImpactScopeDescription);
                if (c.PlannedCompletion is { } planned)
                {
                    json.WritePropertyName("PlannedCompletion"u8);
                    WriteDate(json, planned);
                }

                break;
            case RecordAnalysis c:
                json.WriteString("RootCauseAnalysis"u8, c.RootCauseAnalysis);
                json.WriteString("ImpactScopeDescription"u8, c.ImpactScopeDescription);
                WriteDate(json, "PlannedCompletion"u8, c.PlannedCompletion);
                break;
            case ExplainDelay c:
                json.WriteString("Target"u8, c.Target);
                json.WriteString("Reason"u8, c.Reason);
                json.WriteBoolean("CustomerInformed"u8, c.CustomerInformed);
                break;
            case OverridePriority c:
                json.WriteNumber("Priority"u8, (int)c.Priority);
                json.WriteString("Reason"u8, c.Reason);
                break;
            case AssignTicket c:
                json.WriteString("Assignee"u8, c.Assignee);
                break;
            case ReassignTicket c:
                json.WriteString("Assignee"u8, c.Assignee);
                json.WriteString("Department"u8, c.Department);
                json.WriteString("Reason"u8, c.Reason);
                break;
            case StartWork or ResumeWork:
                break;
            case RecordResponse c:
                json.WriteString("Summary"u8, c.Summary);
                break;
            case AwaitCustomer c:
                json.WriteString("Reason"u8, c.Reason);
                break;
            case EscalateTicket c:
                json.WriteNumber("Level"u8, c.Level);
                json.WriteString("Reason"u8, c.Reason);
                json.WriteString("EscalatedTo"u8, c.EscalatedTo);
                break;
            case ResolveTicket c:
                json.WriteString("Solution"u8, c.Solution);
                OmittedWhenNull(json, "ResourcesUsed"u8, c.ResourcesUsed);
                break;
            case RecordRevisitAttempt c:
                json.WriteNumber("Method"u8, (int)c.Method);
                json.WriteString("Note"u8, c.Note);
                break;
            case RecordRevisit c:
                json.WriteNumber("Method"u8, (int)c.Method);
                WriteBoolean(json, "Resolved"u8, c.Resolved);
                WriteNumber(json, "Score"u8, c.Score);
                json.WriteString("Suggestions"u8, c.Suggestions);
                json.WriteBoolean("Unreachable"u8, c.Unreachable);
                break;
            case CloseTicket c:
                json.WriteString("ClosedBySource"u8, c.ClosedBySource);
                break;
            case CancelTicket c:
                json.WriteString("Reason"u8, c.Reason);
                break;
            case MarkDuplicate c:
                json.WriteString("DuplicateOf"u8, c.DuplicateOf);
                json.WriteString("Reason"u8, c.Reason);
                break;
            case RecordSurvey c:
                WriteSurvey(json, c.Answers);
                break;
            case RecordInspection c:
                json.WriteBoolean("Accurate"u8, c.Accurate);
                json.WriteString("Notes"u8, c.Notes);
                break;
            case RecordSurveySent c:
                json.WriteString("Channel"u8, c.Channel);
                break;
            case EraseCustomerData c:
                json.WriteString("Reason"u8, c.Reason);
                break;
            default:
                throw new UnreachableException($"{command.GetType().Name} has no fingerprint encoding: add it to {nameof(CommandFingerprint)}.");
        }
    }

    // The personal fields are blanked (they count only in the 8-bit customer hash).
    private static void WriteIntake(Utf8JsonWriter json, TicketIntake? intake)
    {
        json.WritePropertyName("Intake"u8);
        if (intake is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        json.WriteString("CustomerName"u8, "");
        json.WriteNumber("CustomerKind"u8, (int)intake.CustomerKind);
        json.WriteString("Contact"u8, "");
        json.WriteNull("Address"u8);
        json.WriteString("CustomerSegment"u8, intake.CustomerSegment);
        json.WriteString("ProductModel"u8, intake.ProductModel);
        json.WriteString("ProductLine"u8, intake.ProductLine);
        WriteDate(json, "PurchaseOrServiceDate"u8, intake.PurchaseOrServiceDate);
        json.WritePropertyName("Channel"u8);
        json.WriteStartObject();
        json.WriteString("Name"u8, intake.Channel.Name);
        json.WriteEndObject();
        json.WritePropertyName("ReceivedAt"u8);
        WriteInstant(json, intake.ReceivedAt);
        if (intake.ProblemOccurredAt is { } occurred)
        {
            json.WritePropertyName("ProblemOccurredAt"u8);
            WriteInstant(json, occurred);
        }

        json.WriteString("Description"u8, intake.Description);
        json.WriteString("CustomerExpectation"u8, intake.CustomerExpectation);
        json.WriteString("AlreadyTried"u8, intake.AlreadyTried);
        json.WriteString("ServiceTicketNumber"u8, intake.ServiceTicketNumber);
        json.WriteString("Owner"u8, intake.Owner);
        json.WriteEndObject();
    }

    private static void WriteAssessment(Utf8JsonWriter json, PriorityAssessment? assessment)
    {
        json.WritePropertyName("Assessment"u8);
        if (assessment is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        json.WriteNumber("ImpactScope"u8, (int)assessment.ImpactScope);
        json.WriteNumber("Urgency"u8, (int)assessment.Urgency);
        json.WriteNumber("Severity"u8, (int)assessment.Severity);
        json.WriteBoolean("IsKeyAccount"u8, assessment.IsKeyAccount);
        json.WriteEndObject();
    }

    private static void WriteSurvey(Utf8JsonWriter json, SurveyAnswers? answers)
    {
        json.WritePropertyName("Answers"u8);
        if (answers is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        WriteNumber(json, "Satisfaction"u8, answers.Satisfaction);
        WriteNumber(json, "ResponseSpeed"u8, answers.ResponseSpeed);
        WriteNumber(json, "Accuracy"u8, answers.Accuracy);
        WriteNumber(json, "Attitude"u8, answers.Attitude);
        WriteNumber(json, "ResolutionEffect"u8, answers.ResolutionEffect);
        WriteNumber(json, "LikelihoodToRecommend"u8, answers.LikelihoodToRecommend);
        WriteNumber(json, "Recommend"u8, (int?)answers.Recommend);
        WriteNumber(json, "EffortScore"u8, answers.EffortScore);
        WriteBoolean(json, "IsReturningCustomer"u8, answers.IsReturningCustomer);
        json.WriteString("Channel"u8, answers.Channel);
        json.WriteString("Suggestion"u8, answers.Suggestion);
        WriteNumber(json, "OverallSatisfaction"u8, answers.OverallSatisfaction);
        WriteBoolean(json, "IsPromoter"u8, answers.IsPromoter);
        WriteBoolean(json, "IsDetractor"u8, answers.IsDetractor);
        json.WriteEndObject();
    }

    // A field added after fingerprints were first recorded: left out while null, so a command recorded
    // before it fingerprints the same after an upgrade (a retry across it is still a retry).
    private static void OmittedWhenNull(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    // The text NodaTime.Serialization.SystemTextJson's converters wrote (the reflection serializer's, which stored
    // fingerprints hold), and the same refusal of a date outside the ISO calendar.
    private static void WriteInstant(Utf8JsonWriter json, Instant instant) => IsoInstant.Write(json, instant);

    private static void WriteDate(Utf8JsonWriter json, LocalDate date)
    {
        if (date.Calendar != CalendarSystem.Iso)
        {
            throw new ArgumentException($"Values of type {nameof(LocalDate)} must (currently) use the ISO calendar in order to be serialized.", nameof(date));
        }

        json.WriteStringValue(LocalDatePattern.Iso.Format(date));
    }

    private static void WriteDate(Utf8JsonWriter json, ReadOnlySpan<byte> name, LocalDate? value)
    {
        if (value is { } date)
        {
            json.WritePropertyName(name);
            WriteDate(json, date);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteBoolean(Utf8JsonWriter json, ReadOnlySpan<byte> name, bool? value)
    {
        if (value is { } flag)
        {
            json.WriteBoolean(name, flag);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
