using System.Globalization;
using AfterSales.Quality.Kpi;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Reporting;

/// <summary>How the renderers show values (invariant culture; "n/a" for a value without data). Thread-safe.</summary>
public static class ReportFormat
{
    /// <summary>What a missing value shows as.</summary>
    public const string NotAvailable = "n/a";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A KPI value in its unit: times in minutes, rates in per cent, NPS in points, scores as numbers.</summary>
    /// <param name="metric">The KPI.</param>
    /// <param name="value">The value; null shows as n/a.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a KPI.</exception>
    public static string Kpi(KpiMetric metric, double? value) => Kpi(KpiDefinitions.Of(metric), value);

    /// <summary>A KPI value in its definition's unit: seconds as a duration, fractions in per cent, points signed, scores as numbers.</summary>
    /// <param name="kpi">The KPI.</param>
    /// <param name="value">The value; null shows as n/a.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="kpi"/> is null.</exception>
    public static string Kpi(KpiDefinition kpi, double? value)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return value is not { } v ? NotAvailable : kpi.Unit switch
        {
            KpiUnit.Seconds => Duration(v),
            KpiUnit.Score => v.ToString("0.00", Invariant),
            KpiUnit.Points => v.ToString("+0.0;-0.0;0.0", Invariant),
            _ => Percent(v),
        };
    }

    /// <summary>A KPI target with its direction, e.g. "≤ 2.0 h" or "≥ 85.0 %".</summary>
    /// <param name="target">The target.</param>
    /// <returns>The text.</returns>
    public static string Target(KpiTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return (target.Direction == TargetDirection.AtMost ? "≤ " : "≥ ") + Kpi(target.Kpi, target.Value);
    }

    /// <summary>A KPI change (a difference of two values) in the KPI's unit with its sign.</summary>
    /// <param name="metric">The KPI.</param>
    /// <param name="change">The change; null shows as n/a.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a KPI.</exception>
    public static string Change(KpiMetric metric, double? change) => Change(KpiDefinitions.Of(metric), change);

    /// <summary>A KPI change (a difference of two values) in the definition's unit with its sign.</summary>
    /// <param name="kpi">The KPI.</param>
    /// <param name="change">The change; null shows as n/a.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="kpi"/> is null.</exception>
    public static string Change(KpiDefinition kpi, double? change)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return change is not { } c ? NotAvailable : kpi.Unit switch
        {
            KpiUnit.Seconds => (c < 0 ? "-" : "+") + Duration(Math.Abs(c)),
            KpiUnit.Score => c.ToString("+0.00;-0.00;0.00", Invariant),
            KpiUnit.Points => c.ToString("+0.0;-0.0;0.0", Invariant) + " pt",
            _ => (c * 100).ToString("+0.0;-0.0;0.0", Invariant) + " pt",
        };
    }

    /// <summary>A duration given in seconds: seconds below 2 min, minutes below 2 h, hours below 2 days, else days.</summary>
    /// <param name="seconds">The duration in seconds.</param>
    /// <returns>The text.</returns>
    public static string Duration(double seconds) => seconds switch
    {
        < 120 => seconds.ToString("0", Invariant) + " s",
        < 7200 => (seconds / 60).ToString("0.0", Invariant) + " min",
        < 172_800 => (seconds / 3600).ToString("0.0", Invariant) + " h",
        _ => (seconds / 86_400).ToString("0.0", Invariant) + " d",
    };

    /// <summary>A fraction as per cent with one decimal, e.g. "85.0 %".</summary>
    /// <param name="fraction">The fraction; null shows as n/a.</param>
    /// <returns>The text.</returns>
    public static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.0", Invariant) + " %" : NotAvailable;

    /// <summary>A number with the given decimals.</summary>
    /// <param name="value">The number; null shows as n/a.</param>
    /// <param name="decimals">Decimals, 0 to 6.</param>
    /// <returns>The text.</returns>
    public static string Number(double? value, int decimals = 1) => value is { } v ? v.ToString("F" + Math.Clamp(decimals, 0, 6), Invariant) : NotAvailable;

    /// <summary>Yes, no or a dash.</summary>
    /// <param name="value">The flag.</param>
    /// <returns>The text.</returns>
    public static string YesNo(bool? value) => value switch { true => "yes", false => "no", _ => "-" };

    /// <summary>A month as yyyy-MM.</summary>
    /// <param name="month">Its first day.</param>
    /// <returns>The text.</returns>
    public static string Month(LocalDate month) => month.ToString("uuuu-MM", Invariant);

    /// <summary>A date as yyyy-MM-dd.</summary>
    /// <param name="date">The date; null shows as a dash.</param>
    /// <returns>The text.</returns>
    public static string Date(LocalDate? date) => date is { } d ? LocalDatePattern.Iso.Format(d) : "-";

    /// <summary>A local date and time as yyyy-MM-dd HH:mm.</summary>
    /// <param name="at">The local date and time.</param>
    /// <returns>The text.</returns>
    public static string DateTime(LocalDateTime at) => at.ToString("uuuu-MM-dd HH:mm", Invariant);

    /// <summary>A metric's display name.</summary>
    /// <param name="metric">The KPI.</param>
    /// <returns>The name.</returns>
    public static string Name(KpiMetric metric) => Enum.IsDefined(metric) ? KpiDefinitions.Of(metric).Title : metric.ToString();

    /// <summary>The name a report shows for a KPI (its definition's title).</summary>
    /// <param name="kpi">The KPI.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="kpi"/> is null.</exception>
    public static string Name(KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return kpi.Title;
    }
}
