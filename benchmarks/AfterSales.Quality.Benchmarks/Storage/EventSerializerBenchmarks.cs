using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using BenchmarkDotNet.Attributes;
using NodaTime.Serialization.SystemTextJson;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>
/// The stores' event serializer, one round trip (serialize, then deserialize) of a ticket's 10 events
/// (<see cref="TicketHistories.HappyPath"/>), no personal-data encryption: the source-generated
/// <see cref="TicketEventSerializer"/> against the baseline, the reflection-based options it used before
/// (the same text; see StoredJsonCompatibilityTests). Times are per ticket (10 events).
/// </summary>
[MemoryDiagnoser]
public class EventSerializerBenchmarks
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters =
        {
            new JsonStringEnumConverter(),
            NodaConverters.InstantConverter,
            NodaConverters.LocalDateConverter,
            new Converter<TicketId>(r => new TicketId(r.GetGuid()), (w, v) => w.WriteStringValue(v.Value)),
            new Converter<TicketCategory>(r => new TicketCategory(r.GetString()!), (w, v) => w.WriteStringValue(v.Name)),
            new Converter<ServiceChannel>(r => new ServiceChannel(r.GetString()!), (w, v) => w.WriteStringValue(v.Name)),
        },
    };

    private readonly TicketEventSerializer serializer = new();
    private TicketEvent[] events = [];

    [GlobalSetup]
    public void Setup() => events = TicketHistories.HappyPath(TicketId.New(), 42);

    [Benchmark(Baseline = true, Description = "reflection (before)")]
    public int ReflectionRoundTrip()
    {
        var length = 0;
        foreach (var e in events)
        {
            var json = JsonSerializer.Serialize(e, e.GetType(), Reflection);
            length += ((TicketEvent)JsonSerializer.Deserialize(json, e.GetType(), Reflection)!).Actor.Length + json.Length;
        }

        return length;
    }

    [Benchmark(Description = "source-generated (after)")]
    public int SourceGeneratedRoundTrip()
    {
        var length = 0;
        foreach (var e in events)
        {
            var (type, json) = serializer.Serialize(e);
            length += serializer.Deserialize(type, json).Actor.Length + json.Length;
        }

        return length;
    }

    private sealed class Converter<T>(Func<Utf8JsonReader, T> read, Action<Utf8JsonWriter, T> write) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => read(reader);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => write(writer, value);
    }
}
