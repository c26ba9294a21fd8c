using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;

namespace AfterSales.Quality.Parquet;

/// <summary>
/// The export's checkpoint, <c>_export.json</c>: schema version, zone, feed position, the dictionaries' sizes and digests,
/// and per month its fact count and SHA-256. Read defensively: anything unexpected means "no checkpoint".
/// </summary>
internal sealed record Checkpoint(IReadOnlyDictionary<string, (int Facts, string Hash)> Months)
{
    internal static Checkpoint? TryRead(string path, DateTimeZone zone, DimensionNames names)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            if ((int?)root["schemaVersion"] != FactParquetExporter.SchemaVersion || (string?)root["timeZone"] != zone.Id)
            {
                return null;
            }

            // The codes in the months' digests must still mean the same names: each dictionary only grew since.
            foreach (var dimension in DimensionNames.WithDictionaries)
            {
                var entry = root["dimensions"]![dimension.ToString()]!.AsObject();
                if (names.Digest(dimension, (int)entry["count"]!) is not { } digest || digest != (string?)entry["sha256"])
                {
                    return null;
                }
            }

            var months = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
            foreach (var (key, value) in root["months"]!.AsObject())
            {
                months[key] = ((int)value!["facts"]!, (string)value["sha256"]!);
            }

            return new Checkpoint(months);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            return null; // corrupt: never trusted, every month is written again
        }
    }

    internal static void Write(string path, DateTimeZone zone, DimensionNames names, long? position, long facts, IReadOnlyDictionary<string, (int Facts, string Hash)> months)
    {
        var dimensions = new JsonObject();
        foreach (var dimension in DimensionNames.WithDictionaries)
        {
            var count = names.Names(dimension).Count;
            dimensions[dimension.ToString()] = new JsonObject { ["count"] = count, ["sha256"] = names.Digest(dimension, count) };
        }

        var monthNodes = new JsonObject();
        foreach (var (key, (count, hash)) in months)
        {
            monthNodes[key] = new JsonObject { ["facts"] = count, ["sha256"] = hash };
        }

        var root = new JsonObject
        {
            ["schemaVersion"] = FactParquetExporter.SchemaVersion,
            ["timeZone"] = zone.Id,
            ["position"] = position,
            ["facts"] = facts,
            ["dimensions"] = dimensions,
            ["months"] = monthNodes,
        };
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = File.Create(temporary))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                root.WriteTo(writer); // no serializer options: no reflection (trimming- and AOT-safe)
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
