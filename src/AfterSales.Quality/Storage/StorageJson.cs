using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Storage;

/// <summary>
/// JSON converters shared by the storage serializers: NodaTime values as exact ISO text (extended ISO
/// instants, ISO dates: the text NodaTime.Serialization.SystemTextJson's converters wrote, which stored
/// data holds), ids as GUIDs. Pattern-based and reflection-free, so they are trimming- and AOT-safe
/// (that package's converter set reaches <c>JsonSerializerOptions.GetConverter(Type)</c>).
/// </summary>
internal static class StorageJson
{
    public static JsonConverter<Instant> Instant { get; } = new InstantConverter();

    public static JsonConverter<LocalDate> LocalDate { get; } = new PatternConverter<LocalDate>(LocalDatePattern.Iso);

    public static JsonConverter<TicketId> TicketId { get; } = new GuidConverter<TicketId>(g => new TicketId(g), id => id.Value);

    /// <summary>A strongly typed id written as its GUID.</summary>
    internal sealed class GuidConverter<T>(Func<Guid, T> create, Func<T, Guid> value) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => create(reader.GetGuid());

        public override void Write(Utf8JsonWriter writer, T item, JsonSerializerOptions options) => writer.WriteStringValue(value(item));
    }

    /// <summary>An instant as <see cref="InstantPattern.ExtendedIso"/> text, written and read as UTF-8 by <see cref="IsoInstant"/>.</summary>
    private sealed class InstantConverter : JsonConverter<Instant>
    {
        public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => IsoInstant.Read(ref reader);

        public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) => IsoInstant.Write(writer, value);

        public override Instant ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => IsoInstant.Read(ref reader);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) => IsoInstant.WritePropertyName(writer, value);
    }

    /// <summary>A NodaTime value written as the text of a pattern, and read only in that form.</summary>
    private sealed class PatternConverter<T>(IPattern<T> pattern) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? Parse(reader.GetString()!)
                : throw new JsonException($"A {typeof(T).Name} is stored as a string, not {reader.TokenType}.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(pattern.Format(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString()!);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(pattern.Format(value));

        private T Parse(string text) =>
            pattern.Parse(text) is { Success: true } result
                ? result.Value
                : throw new JsonException($"'{text}' is not a stored {typeof(T).Name}.");
    }
}
