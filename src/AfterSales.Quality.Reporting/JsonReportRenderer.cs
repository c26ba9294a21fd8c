using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Renders a <see cref="QualityReport"/> as JSON for machines: the typed report with camelCase
/// names, enums as strings, instants and dates as ISO-8601 strings, fractions as fractions (0.85 =
/// 85 %) and missing values as null. Thread-safe (stateless).
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
        return JsonSerializer.Serialize(report, Options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb); // ISO text: instants, dates, local date-times
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
