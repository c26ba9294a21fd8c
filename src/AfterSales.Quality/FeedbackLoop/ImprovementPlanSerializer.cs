using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Storage;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>
/// Turns an <see cref="ImprovementPlan"/> into JSON and back, exactly (instants to the nanosecond,
/// dates, enums by name, every task, delay request, breakdown and history line), for stores that
/// keep a plan as one row of text. Computed properties (<see cref="ImprovementPlan.DoneOnTime"/>)
/// are not written. A plan holds no customer personal data, so nothing is encrypted. Thread-safe.
/// </summary>
public sealed class ImprovementPlanSerializer
{
    private readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Get-only properties (no setter: the model's records take every stored field through an init
        // accessor or a constructor parameter) are derived from the others, and not written.
        IgnoreReadOnlyProperties = true,

        // Source-generated metadata (enums by name): no reflection, trimming- and AOT-safe.
        TypeInfoResolver = PlanJsonContext.Default,
        Converters =
        {
            StorageJson.Instant,
            StorageJson.LocalDate,
            StorageJson.TicketId,
            new StorageJson.GuidConverter<ImprovementPlanId>(g => new ImprovementPlanId(g), id => id.Value),
        },
    };

    /// <summary>Serialises a plan.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    public string Serialize(ImprovementPlan plan) => JsonSerializer.Serialize(Preconditions.CheckNotNull(plan), PlanType);

    /// <summary>Reads a plan written by <see cref="Serialize"/>.</summary>
    /// <param name="text">The JSON text.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="JsonException">The text is not a stored plan (malformed, or a required field is missing).</exception>
    public ImprovementPlan Deserialize(string text) =>
        JsonSerializer.Deserialize(Preconditions.CheckNotNull(text), PlanType)
            ?? throw new JsonException("The stored improvement plan is the JSON literal null.");

    private JsonTypeInfo<ImprovementPlan> PlanType => (JsonTypeInfo<ImprovementPlan>)json.GetTypeInfo(typeof(ImprovementPlan));
}
