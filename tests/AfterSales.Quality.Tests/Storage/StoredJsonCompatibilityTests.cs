using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace AfterSales.Quality.Tests.Storage;

/// <summary>
/// The source-generated serializers write exactly the text the reflection-based ones wrote (the options
/// below are those serializers' options before the switch, kept as the oracle), and read it back: a
/// database written before reads the same after. The instances are built by reflection, every property
/// of every event type and of the plan filled from the seed (nulls, empty and non-ASCII text included).
/// </summary>
public sealed class StoredJsonCompatibilityTests
{
    private static readonly JsonSerializerOptions LegacyEvents = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters =
        {
            new JsonStringEnumConverter(),
            NodaConverters.InstantConverter,
            NodaConverters.LocalDateConverter,
            new GuidConverter<TicketId>(g => new TicketId(g), id => id.Value),
            new NameConverter<TicketCategory>(n => new TicketCategory(n), c => c.Name),
            new NameConverter<ServiceChannel>(n => new ServiceChannel(n), c => c.Name),
        },
    };

    private static readonly JsonSerializerOptions LegacyPlans = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputedProperties } },
        Converters =
        {
            new JsonStringEnumConverter(),
            NodaConverters.InstantConverter,
            NodaConverters.LocalDateConverter,
            new GuidConverter<TicketId>(g => new TicketId(g), id => id.Value),
            new GuidConverter<ImprovementPlanId>(g => new ImprovementPlanId(g), id => id.Value),
        },
    };

    public static Arbitrary<int> Seeds() => Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    [Property(MaxTest = 200, Arbitrary = [typeof(StoredJsonCompatibilityTests)])]
    public void Every_event_is_written_as_the_reflection_serializer_wrote_it_and_reads_back(int seed)
    {
        var serializer = new TicketEventSerializer();
        var random = new Random(seed);
        foreach (var (name, type) in TicketEventTypes.Registered)
        {
            var e = (TicketEvent)new InstanceBuilder(random).Build(type);
            var legacy = JsonSerializer.Serialize(e, type, LegacyEvents);
            var (storedType, json) = serializer.Serialize(e);
            Assert.Equal(name, storedType);
            Assert.Equal(legacy, json);
            Assert.Equal(legacy, serializer.Serialize(serializer.Deserialize(name, legacy)).Json);
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(StoredJsonCompatibilityTests)])]
    public void A_plan_is_written_as_the_reflection_serializer_wrote_it_and_reads_back(int seed)
    {
        var serializer = new ImprovementPlanSerializer();
        var plan = (ImprovementPlan)new InstanceBuilder(new Random(seed)).Build(typeof(ImprovementPlan));
        var legacy = JsonSerializer.Serialize(plan, LegacyPlans);
        Assert.Equal(legacy, serializer.Serialize(plan));
        Assert.Equal(legacy, serializer.Serialize(serializer.Deserialize(legacy)));
    }

    [Fact]
    public void The_builder_fills_every_property_so_the_comparison_covers_them()
    {
        var e = (TicketRegistered)new InstanceBuilder(new Random(7)).Build(typeof(TicketRegistered));
        Assert.NotNull(e.Intake);
        Assert.NotEqual(default, e.TicketId);
        Assert.Contains("\"intake\":{", new TicketEventSerializer().Serialize(e).Json);
    }

    private static void DropComputedProperties(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

#if NET9_0_OR_GREATER
        foreach (var property in type.Properties.Where(p => p.Set is null && p.AssociatedParameter is null).ToArray())
#else
        // .NET 8 has no JsonPropertyInfo.AssociatedParameter: a constructor parameter of the same name stands for it.
        var parameters = type.Type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.Properties.Where(p => p.Set is null && !parameters.Contains(p.Name)).ToArray())
#endif
        {
            type.Properties.Remove(property);
        }
    }

    /// <summary>Random instances of the stored types, by reflection (tests only), every settable property set.</summary>
    private sealed class InstanceBuilder(Random random)
    {
        private static readonly string[] Texts = ["", "a", "王小明", "line\nbreak \"quoted\" <tag> & 'apos'", "emoji 🙂", "\u0001\u2028", "plain text"];
        private static readonly string[] Names = ["phone", "product-fault", "a.b_c-1", "x"];
        private readonly NullabilityInfoContext nullability = new();
        private int depth;

        public object Build(Type type)
        {
            if (type == typeof(string)) return Texts[random.Next(Texts.Length)] + random.Next(100);
            if (type == typeof(bool)) return random.Next(2) == 0;
            if (type == typeof(int)) return random.Next(-5, 1000);
            if (type == typeof(long)) return (long)random.Next() * random.Next(1, 1000);
            if (type == typeof(double)) return Math.Round(random.NextDouble(), random.Next(1, 16));
            if (type == typeof(decimal)) return (decimal)random.Next(0, 100000) / 100m;
            if (type == typeof(Guid)) return new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray());
            if (type == typeof(Instant)) return Instant.FromUnixTimeTicks(random.NextInt64(0, 40_000_000_000_000_000L)) + Duration.FromNanoseconds(random.Next(100));
            if (type == typeof(LocalDate)) return new LocalDate(2000, 1, 1).PlusDays(random.Next(20000));
            if (type == typeof(Duration)) return Duration.FromSeconds(random.Next(1_000_000));
            if (type == typeof(TimeSpan)) return TimeSpan.FromSeconds(random.Next(1_000_000));
            if (type == typeof(TicketId)) return new TicketId((Guid)Build(typeof(Guid)));
            if (type == typeof(ImprovementPlanId)) return new ImprovementPlanId((Guid)Build(typeof(Guid)));
            if (type == typeof(TicketCategory)) return new TicketCategory(Names[random.Next(Names.Length)]);
            if (type == typeof(ServiceChannel)) return new ServiceChannel(Names[random.Next(Names.Length)]);
            if (type.IsEnum)
            {
                var values = Enum.GetValues(type);
                return values.GetValue(random.Next(values.Length))!;
            }

            if (Nullable.GetUnderlyingType(type) is { } underlying) return Build(underlying);
            if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
                && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>) || definition == typeof(IList<>) || definition == typeof(List<>)))
            {
                var element = type.GetGenericArguments()[0];
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
                for (var i = depth > 2 ? 0 : random.Next(3); i > 0; i--) list.Add(Build(element));
                return list;
            }

            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) || type.GetGenericTypeDefinition() == typeof(Dictionary<,>)))
            {
                var (key, value) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
                var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
                for (var i = depth > 2 ? 0 : random.Next(3); i > 0; i--) map[Build(key)] = Build(value);
                return map;
            }

            if (type.IsArray)
            {
                var array = Array.CreateInstance(type.GetElementType()!, depth > 2 ? 0 : random.Next(3));
                for (var i = 0; i < array.Length; i++) array.SetValue(Build(type.GetElementType()!), i);
                return array;
            }

            return BuildObject(type);
        }

        private object BuildObject(Type type)
        {
            depth++;
            try
            {
                var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
                var instance = constructor is null || constructor.GetParameters().Length == 0
                    ? RuntimeHelpers.GetUninitializedObject(type)
                    : constructor.Invoke(constructor.GetParameters().Select(p => Value(p.ParameterType, nullability.Create(p).WriteState)).ToArray());
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
                {
                    property.SetValue(instance, Value(property.PropertyType, nullability.Create(property).WriteState));
                }

                return instance;
            }
            finally
            {
                depth--;
            }
        }

        private object? Value(Type type, NullabilityState state) =>
            (state == NullabilityState.Nullable || Nullable.GetUnderlyingType(type) is not null) && random.Next(4) == 0 ? null : Build(type);
    }

    private sealed class GuidConverter<T>(Func<Guid, T> create, Func<T, Guid> value) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => create(reader.GetGuid());

        public override void Write(Utf8JsonWriter writer, T item, JsonSerializerOptions options) => writer.WriteStringValue(value(item));
    }

    private sealed class NameConverter<T>(Func<string, T> create, Func<T, string> name) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => create(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(name(value));
    }
}
