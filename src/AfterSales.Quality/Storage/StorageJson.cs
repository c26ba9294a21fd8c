using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Storage;

/// <summary>JSON converters shared by the storage serializers: NodaTime values as exact ISO text, ids as GUIDs.</summary>
internal static class StorageJson
{
    public static JsonConverter<Instant> Instant { get; } = new PatternConverter<Instant>(InstantPattern.ExtendedIso);

    public static JsonConverter<LocalDate> LocalDate { get; } = new PatternConverter<LocalDate>(LocalDatePattern.Iso);

    public static JsonConverter<TicketId> TicketId { get; } = new GuidConverter<TicketId>(g => new TicketId(g), id => id.Value);

    public static JsonConverter<ImprovementPlanId> ImprovementPlanId { get; } = new GuidConverter<ImprovementPlanId>(g => new ImprovementPlanId(g), id => id.Value);

    private sealed class PatternConverter<T>(IPattern<T> pattern) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            pattern.Parse(reader.GetString() ?? "").GetValueOrThrow();

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(pattern.Format(value));
    }

    private sealed class GuidConverter<T>(Func<Guid, T> create, Func<T, Guid> value) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => create(reader.GetGuid());

        public override void Write(Utf8JsonWriter writer, T item, JsonSerializerOptions options) => writer.WriteStringValue(value(item));
    }
}
