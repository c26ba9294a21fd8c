using System.Globalization;
using System.Resources;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// The words and formats of a report in one language, from <c>Resources/ReportStrings*.resx</c>
/// (English neutral, <c>zh-CN</c> satellite). KPI names, formulas and sources of English come from
/// the core's <see cref="KpiDefinitions"/>; other languages translate them by KPI name and fall back
/// to the definition for a host's own KPIs. Numbers take the culture's number format. Thread-safe.
/// </summary>
internal sealed class ReportText
{
    private static readonly ResourceManager Resources = new("AfterSales.Quality.Reporting.Resources.ReportStrings", typeof(ReportText).Assembly);
    private static readonly ReportText EnglishText = new(CultureInfo.InvariantCulture);

    private readonly LocalDatePattern month;
    private readonly LocalDatePattern date;
    private readonly LocalDateTimePattern dateTime;

    private ReportText(CultureInfo culture)
    {
        Culture = culture;
        NotAvailable = this["Value.NotAvailable"];
        Yes = this["Value.Yes"];
        No = this["Value.No"];
        month = LocalDatePattern.Create(this["Format.Month"], culture);
        date = LocalDatePattern.Create(this["Format.Date"], culture);
        dateTime = LocalDateTimePattern.Create(this["Format.DateTime"], culture);
    }

    /// <summary>The culture: its name picks the resources, its number format the digits.</summary>
    public CultureInfo Culture { get; }

    /// <summary>The English text (invariant culture).</summary>
    public static ReportText English => EnglishText;

    public string NotAvailable { get; }

    public string Yes { get; }

    public string No { get; }

    /// <summary>Whether the report's language is Chinese (it needs a CJK font).</summary>
    public bool IsChinese => Culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>The HTML <c>lang</c> value.</summary>
    public string HtmlLanguage => Culture.Name.Length == 0 ? "en" : Culture.Name;

    /// <summary>A resource string.</summary>
    /// <exception cref="InvalidOperationException">The key is in no resource file (a bug).</exception>
    public string this[string key] => Resources.GetString(key, Culture) ?? throw new InvalidOperationException($"Report resource '{key}' is missing.");

    /// <summary>A resource string formatted with arguments.</summary>
    public string Format(string key, params object?[] args) => string.Format(Culture, this[key], args);

    /// <summary>The text of a culture (cached per culture name).</summary>
    public static ReportText For(CultureInfo culture) =>
        culture.Name.Length == 0 ? EnglishText : Cache.GetOrAdd(culture.Name, static (_, c) => new ReportText(c), culture);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ReportText> Cache = new(StringComparer.OrdinalIgnoreCase);

    public string KpiName(KpiDefinition kpi) => Resources.GetString($"Kpi.{kpi.Name}.Title", Culture) ?? kpi.Title;

    public string KpiName(KpiMetric metric) => Enum.IsDefined(metric) ? KpiName(KpiDefinitions.Of(metric)) : metric.ToString();

    /// <summary>A formula: translated when it is the definition's own, a host's text as it is.</summary>
    public string Formula(KpiDefinition kpi, string formula) =>
        formula == kpi.Formula ? Resources.GetString($"Kpi.{kpi.Name}.Formula", Culture) ?? formula : formula;

    /// <summary>A data source: the guides' sources translated, a host's text as it is.</summary>
    public string Source(string source) => Resources.GetString("Source." + source, Culture) ?? source;

    public string Status(ImprovementPlanStatus status) => Resources.GetString("Status." + status, Culture) ?? status.ToString();

    /// <summary>A dimension's name (team, channel, product …).</summary>
    public string Dimension(FactDimension dimension) => Resources.GetString("Dimension." + dimension, Culture) ?? dimension.ToString();

    /// <summary>A weekday's short name, Monday first (ISO).</summary>
    public string Weekday(IsoDayOfWeek day) => this["Format.Weekdays"].Split('|')[(int)day - 1];

    public string Method(RevisitMethod method) => Resources.GetString("Method." + method, Culture) ?? method.ToString();

    public string Headers(string tableId, int index) => this[$"Table.{tableId}.Headers"].Split('|')[index];

    public IReadOnlyList<string> Headers(string tableId) => this[$"Table.{tableId}.Headers"].Split('|');

    /// <summary>A group label of the core (<c>(none)</c> for a missing value) in the report's words.</summary>
    public string Group(string label, string missing) => label == "(none)" ? this[missing] : label;

    public string Kpi(KpiDefinition kpi, double? value) => value is not { } v ? NotAvailable : kpi.Unit switch
    {
        KpiUnit.Seconds => Duration(v),
        KpiUnit.Score => v.ToString("0.00", Culture),
        KpiUnit.Points => v.ToString("+0.0;-0.0;0.0", Culture),
        _ => Percent(v),
    };

    public string Kpi(KpiMetric metric, double? value) => Kpi(KpiDefinitions.Of(metric), value);

    public string Target(KpiTarget target) => (target.Direction == TargetDirection.AtMost ? "≤ " : "≥ ") + Kpi(target.Kpi, target.Value);

    public string Change(KpiMetric metric, double? change) => Change(KpiDefinitions.Of(metric), change);

    public string Change(KpiDefinition kpi, double? change) => change is not { } c ? NotAvailable : kpi.Unit switch
    {
        KpiUnit.Seconds => (c < 0 ? "-" : "+") + Duration(Math.Abs(c)),
        KpiUnit.Score => c.ToString("+0.00;-0.00;0.00", Culture),
        KpiUnit.Points => Format("Unit.Points", c.ToString("+0.0;-0.0;0.0", Culture)),
        _ => Format("Unit.Points", (c * 100).ToString("+0.0;-0.0;0.0", Culture)),
    };

    public string Duration(double seconds) => seconds switch
    {
        < 120 => Format("Unit.Seconds", seconds.ToString("0", Culture)),
        < 7200 => Format("Unit.Minutes", (seconds / 60).ToString("0.0", Culture)),
        < 172_800 => Format("Unit.Hours", (seconds / 3600).ToString("0.0", Culture)),
        _ => Format("Unit.Days", (seconds / 86_400).ToString("0.0", Culture)),
    };

    public string Percent(double? fraction) => fraction is { } f ? Format("Format.Percent", (f * 100).ToString("0.0", Culture)) : NotAvailable;

    public string Number(double? value, int decimals = 1) => value is { } v ? v.ToString("F" + Math.Clamp(decimals, 0, 6), Culture) : NotAvailable;

    public string Count(long value) => value.ToString("N0", Culture);

    public string YesNo(bool? value) => value switch { true => Yes, false => No, _ => "-" };

    public string Month(LocalDate value) => month.Format(value);

    public string Date(LocalDate? value) => value is { } d ? date.Format(d) : "-";

    public string DateTime(LocalDateTime value) => dateTime.Format(value);

    public string Instant(Instant value, DateTimeZone zone) => dateTime.Format(value.InZone(zone).LocalDateTime);
}
