using System.Text.Json.Serialization;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>
/// The source-generated JSON metadata of the stored improvement plan (<see cref="ImprovementPlanSerializer"/>):
/// no reflection at run time (trimming- and AOT-safe); enums by name, as <c>JsonStringEnumConverter</c> wrote them.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(ImprovementPlan))]
internal sealed partial class PlanJsonContext : JsonSerializerContext;
