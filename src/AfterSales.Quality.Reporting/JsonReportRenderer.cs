using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Renders a <see cref="QualityReport"/> as JSON for machines: the typed report with camelCase
/// names, enums as strings, instants and dates as ISO-8601 strings, fractions as fractions (0.85 =
/// 85 %) and missing values as null. The keys are the same in every language; <c>language</c> names the
/// report's culture and <c>displayNames</c> holds the words of that language: <c>kpis</c> (KPI name → title)
/// and <c>tables</c> (table id → title and column headers). Thread-safe (stateless).
/// </summary>
public static class JsonReportRenderer
{
    /// <summary>The serializer options the renderer uses (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Renders a report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text, indented.</returns>
    public static string Render(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var root = JsonSerializer.SerializeToNode(report, (JsonTypeInfo<QualityReport>)Options.GetTypeInfo(typeof(QualityReport)))!.AsObject();
        var t = ReportText.For(report.Culture);
        var kpis = new JsonObject();
        foreach (var row in report.MeasurementTable)
        {
            kpis[row.Name] = t.KpiName(row.Kpi);
        }

        foreach (var row in report.Comparison)
        {
            kpis[row.Metric.ToString()] = t.KpiName(row.Metric);
        }

        var tables = new JsonObject();
        foreach (var table in ReportTables.Of(report))
        {
            tables[table.Id] = new JsonObject { ["title"] = table.Title, ["headers"] = new JsonArray(table.Headers.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray()) };
        }

        root["displayNames"] = new JsonObject { ["kpis"] = kpis, ["tables"] = tables };
        return root.ToJsonString(Options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = JsonNumberHandling.Strict,

            // Source-generated metadata (enums by name): no reflection, trimming- and AOT-safe.
            TypeInfoResolver = ReportJsonContext.Default,

            // NodaTime values as ISO text. The context names the same converters, but a resolver used by other
            // options consults those options' converters, not the context's.
            Converters = { new ReportJsonConverters.InstantConverter(), new ReportJsonConverters.LocalDateConverter(), new ReportJsonConverters.LocalDateTimeConverter() },
        };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>
/// The source-generated JSON metadata of the report (<see cref="JsonReportRenderer"/>): enums by name; instants,
/// dates and local date-times as ISO text.
/// </summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    Converters = [typeof(ReportJsonConverters.InstantConverter), typeof(ReportJsonConverters.LocalDateConverter), typeof(ReportJsonConverters.LocalDateTimeConverter)])]
[JsonSerializable(typeof(QualityReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
