using System.Text.Json.Serialization;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// The source-generated JSON metadata of everything the stores keep as text: every ticket event
/// (<see cref="TicketEventTypes.Registered"/>); the improvement plan's is <c>FeedbackLoop.PlanJsonContext</c>. No reflection at run time, so the
/// serializers work trimmed and under Native AOT. Enums are written by name (as
/// <c>JsonStringEnumConverter</c> did); the NodaTime and id converters come from the options each
/// serializer builds (<see cref="StorageJson"/>), so the text is the same as the reflection-based
/// serializers wrote before.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(TicketRegistered))]
[JsonSerializable(typeof(TicketTriaged))]
[JsonSerializable(typeof(PriorityOverridden))]
[JsonSerializable(typeof(TicketAssigned))]
[JsonSerializable(typeof(TicketReassigned))]
[JsonSerializable(typeof(WorkStarted))]
[JsonSerializable(typeof(ResponseRecorded))]
[JsonSerializable(typeof(PendingCustomerStarted))]
[JsonSerializable(typeof(PendingCustomerEnded))]
[JsonSerializable(typeof(TicketEscalated))]
[JsonSerializable(typeof(TicketResolved))]
[JsonSerializable(typeof(RevisitAttemptFailed))]
[JsonSerializable(typeof(RevisitRecorded))]
[JsonSerializable(typeof(TicketReopened))]
[JsonSerializable(typeof(TicketClosed))]
[JsonSerializable(typeof(TicketCancelled))]
[JsonSerializable(typeof(TicketMarkedDuplicate))]
[JsonSerializable(typeof(SurveyAnswered))]
[JsonSerializable(typeof(QualityInspected))]
[JsonSerializable(typeof(NegativeFeedbackRaised))]
[JsonSerializable(typeof(SurveySent))]
[JsonSerializable(typeof(PersonalDataErased))]
[JsonSerializable(typeof(AnalysisRecorded))]
[JsonSerializable(typeof(DelayExplained))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
