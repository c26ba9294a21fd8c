using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AfterSales.Quality.Prioritization;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>Reads and writes <see cref="EventLogMapping"/> as JSON, and names the presets.</summary>
public static class EventLogMappings
{
    private static readonly Dictionary<string, Func<EventLogMapping>> PresetFactories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bpic2013"] = () => EventLogMapping.Bpic2013,
        ["helpdesk2017"] = () => EventLogMapping.Helpdesk2017,
        ["servicenow"] = () => EventLogMapping.ServiceNow,
        ["zendesk"] = () => EventLogMapping.Zendesk,
        ["jira-sm"] = () => EventLogMapping.JiraServiceManagement,
    };

    /// <summary>The enums reachable from <see cref="EventLogMapping"/>, written and read by name only (declared before Options, which reads them).</summary>
    internal static IReadOnlyList<JsonConverter> EnumConverters { get; } =
    [
        new JsonStringEnumConverter<ImportAction>(allowIntegerValues: false),
        new JsonStringEnumConverter<SourceFigure>(allowIntegerValues: false),
        new JsonStringEnumConverter<Priority>(allowIntegerValues: false),
        new JsonStringEnumConverter<ImpactScope>(allowIntegerValues: false),
        new JsonStringEnumConverter<Urgency>(allowIntegerValues: false),
        new JsonStringEnumConverter<Severity>(allowIntegerValues: false),
    ];

    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonTypeInfo<EventLogMapping> MappingType => (JsonTypeInfo<EventLogMapping>)Options.GetTypeInfo(typeof(EventLogMapping));

    /// <summary>The preset names: <c>bpic2013</c>, <c>helpdesk2017</c>, <c>servicenow</c>, <c>zendesk</c>, <c>jira-sm</c>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = PresetFactories.Keys.ToArray();

    /// <summary>A fresh copy of a preset, by name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="PresetNames"/>.</param>
    /// <returns>The preset (a new instance, free to change).</returns>
    /// <exception cref="QualityValidationException">No preset has that name (the names are listed).</exception>
    public static EventLogMapping Preset(string name) =>
        name is not null && PresetFactories.TryGetValue(name, out var factory)
            ? factory()
            : throw new QualityValidationException(nameof(EventLogMapping), [new ValidationError("preset", $"'{name}' is not a preset; the presets are {string.Join(", ", PresetNames)}.")]);

    /// <summary>Whether a name is a preset's.</summary>
    /// <param name="name">The name.</param>
    /// <returns>True for one of <see cref="PresetNames"/>.</returns>
    public static bool IsPreset(string? name) => name is not null && PresetFactories.ContainsKey(name);

    /// <summary>
    /// Reads a mapping from JSON: an object with the properties of <see cref="EventLogMapping"/>
    /// (camelCase or PascalCase; enums by name; <c>timeZone</c> an IANA id; <c>channel</c>, <c>category</c>
    /// by name) and optionally <c>"basedOn": "&lt;preset&gt;"</c>, whose properties the file's replace.
    /// An unknown property, a wrong type or an invalid mapping is refused with the JSON path or property named.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The validated mapping.</returns>
    /// <exception cref="QualityValidationException">The JSON is malformed, names an unknown property or preset, or the mapping is invalid (each field named).</exception>
    public static EventLogMapping FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        EventLogMapping mapping;
        JsonObject? node = null;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new QualityValidationException(nameof(EventLogMapping), [new ValidationError("$", "must be a JSON object.")]);
            var basedOn = node.FirstOrDefault(p => string.Equals(p.Key, "basedOn", StringComparison.OrdinalIgnoreCase));
            if (basedOn.Key is not null)
            {
                node.Remove(basedOn.Key);
                var name = basedOn.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
                if (!IsPreset(name))
                {
                    throw new QualityValidationException(nameof(EventLogMapping), [new ValidationError("basedOn", $"'{basedOn.Value?.ToJsonString()}' is not a preset; the presets are {string.Join(", ", PresetNames)}.")]);
                }

                var merged = JsonNode.Parse(ToJson(Preset(name!)))!.AsObject();
                foreach (var (key, value) in node.ToArray())
                {
                    var existing = merged.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Key;
                    if (existing is not null)
                    {
                        merged.Remove(existing);
                    }

                    node.Remove(key);
                    merged[key] = value;
                }

                node = merged;
            }

            mapping = node.Deserialize(MappingType) ?? throw new QualityValidationException(nameof(EventLogMapping), [new ValidationError("$", "is null.")]);
        }
        catch (JsonException ex)
        {
            var value = node is not null && ex.Path is { } path && Find(node, path) is { } found ? $" (the value is {found.ToJsonString()})" : "";
            throw new QualityValidationException(nameof(EventLogMapping), [new ValidationError(ex.Path ?? "$", ex.Message + value)]);
        }
        catch (ArgumentException ex) when (ex is not QualityValidationException)
        {
            throw new QualityValidationException(nameof(EventLogMapping), [new ValidationError("$", ex.Message)]);
        }

        mapping.Validate();
        return mapping;
    }

    /// <summary>Writes a mapping as JSON (indented; the form <see cref="FromJson"/> reads), e.g. to start a mapping file from a preset.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(EventLogMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return JsonSerializer.Serialize(mapping, MappingType);
    }

    /// <summary>The node at a JSON path as System.Text.Json reports it (<c>$.a.b</c>, <c>$['a b']</c>, <c>$.a[0]</c>), matching names ignoring case.</summary>
    private static JsonNode? Find(JsonNode root, string path)
    {
        var node = root;
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(path, @"\.([^.\[]+)|\['((?:[^']|'')*)'\]|\[(\d+)\]"))
        {
            if (step.Groups[3].Success)
            {
                node = node is JsonArray array && int.Parse(step.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) is var i && i < array.Count ? array[i] : null;
            }
            else
            {
                var name = step.Groups[1].Success ? step.Groups[1].Value : step.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
                node = node is JsonObject obj ? obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;
            }

            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,

            // Source-generated metadata: no reflection, trimming- and AOT-safe.
            TypeInfoResolver = MappingJsonContext.Default,
        };

        // Every enum of a mapping by name only (a number is refused); MappingJsonTests checks the list is complete.
        foreach (var converter in EnumConverters)
        {
            options.Converters.Add(converter);
        }

        options.Converters.Add(new NameConverter<ServiceChannel>(n => new ServiceChannel(n), c => c.Name));
        options.Converters.Add(new NameConverter<TicketCategory>(n => new TicketCategory(n), c => c.Name));
        options.Converters.Add(new TimeZoneConverter());
        return options;
    }

    /// <summary>
    /// A time zone as its TZDB (IANA) id, read from <see cref="DateTimeZoneProviders.Tzdb"/>: hand-written, so the
    /// mapping's JSON stays reflection-free (trimming- and Native-AOT-safe).
    /// </summary>
    private sealed class TimeZoneConverter : JsonConverter<DateTimeZone>
    {
        public override DateTimeZone Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"a time zone must be a TZDB (IANA) id such as \"Europe/Berlin\", not {reader.TokenType}.");
            }

            var id = reader.GetString()!;
            return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)
                ?? throw new JsonException($"'{id}' is not a time zone id of the TZDB (IANA) database, such as \"Europe/Berlin\".");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeZone value, JsonSerializerOptions options) => writer.WriteStringValue(value.Id);
    }

    private sealed class NameConverter<T>(Func<string, T> create, Func<T, string> name) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException($"a {typeof(T).Name} must be a name, not null.");
            try
            {
                return create(text);
            }
            catch (ArgumentException ex)
            {
                throw new JsonException($"'{text}' is not a {typeof(T).Name}: {ex.Message}");
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(name(value));
    }
}

/// <summary>The source-generated JSON metadata of a mapping file (<see cref="EventLogMappings"/>).</summary>
[JsonSerializable(typeof(EventLogMapping))]
internal sealed partial class MappingJsonContext : JsonSerializerContext;
