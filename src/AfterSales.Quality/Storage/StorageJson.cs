using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace AfterSales.Quality.Storage;

/// <summary>
/// JSON converters shared by the storage serializers: NodaTime values as exact ISO text (the
/// converters of NodaTime.Serialization.SystemTextJson: extended ISO instants, ISO dates), ids as GUIDs.
/// </summary>
internal static class StorageJson
{
    public static JsonConverter<Instant> Instant => NodaConverters.InstantConverter;

    public static JsonConverter<LocalDate> LocalDate => NodaConverters.LocalDateConverter;

    public static JsonConverter<TicketId> TicketId { get; } = new GuidConverter<TicketId>(g => new TicketId(g), id => id.Value);

    /// <summary>A strongly typed id written as its GUID.</summary>
    internal sealed class GuidConverter<T>(Func<Guid, T> create, Func<T, Guid> value) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => create(reader.GetGuid());

        public override void Write(Utf8JsonWriter writer, T item, JsonSerializerOptions options) => writer.WriteStringValue(value(item));
    }
}
