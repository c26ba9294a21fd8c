using System.Text.RegularExpressions;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// The SVG the reporting package draws itself, with no native dependency: the KPI tiles' sparklines, and the
/// preparation of a chart renderer's SVG document for an HTML page. Thread-safe (stateless).
/// </summary>
public static partial class ReportSvg
{
    /// <summary>
    /// A KPI tile's sparkline: its month-by-month values as a small line (no axes, no text), a dot on the last month, and the target
    /// as a dashed line when it falls inside the values' range. Months without a value break the line.
    /// </summary>
    /// <param name="tile">The tile.</param>
    /// <param name="width">Its width in pixels (40–400).</param>
    /// <param name="height">Its height in pixels (16–200).</param>
    /// <returns>The SVG element, or null with fewer than two months of values.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static string? Sparkline(KpiTile tile, int width = 120, int height = 32)
    {
        ArgumentNullException.ThrowIfNull(tile);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 40);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 400);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 200);
        var values = tile.Trend;
        if (values.Count(v => v is not null) < 2)
        {
            return null;
        }

        var present = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        double min = present.Min(), max = present.Max();
        var target = tile.Target.Value;
        var showTarget = double.IsFinite(target) && target >= min - ((max - min) * 0.5) && target <= max + ((max - min) * 0.5);
        if (showTarget)
        {
            (min, max) = (Math.Min(min, target), Math.Max(max, target));
        }

        if (max - min < 1e-12)
        {
            (min, max) = (min - 1, max + 1);
        }

        const double Pad = 3;
        string X(int i) => (Pad + ((width - (2 * Pad)) * i / Math.Max(1, values.Count - 1))).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        string Y(double v) => (height - Pad - ((height - (2 * Pad)) * (v - min) / (max - min))).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        var svg = new System.Text.StringBuilder();
        svg.Append(System.Globalization.CultureInfo.InvariantCulture, $"<svg class=\"sparkline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">");
        if (showTarget)
        {
            svg.Append(System.Globalization.CultureInfo.InvariantCulture, $"<line x1=\"{Pad}\" x2=\"{width - Pad}\" y1=\"{Y(target)}\" y2=\"{Y(target)}\" stroke=\"#8c959f\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>");
        }

        // One polyline per run of months with a value.
        var run = new List<string>();
        void Flush()
        {
            if (run.Count > 1)
            {
                svg.Append("<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\"").AppendJoin(' ', run).Append("\"/>");
            }

            run.Clear();
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } v)
            {
                run.Add(X(i) + "," + Y(v));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        var last = values.Select((v, i) => (v, i)).Last(p => p.v is not null);
        svg.Append(System.Globalization.CultureInfo.InvariantCulture, $"<circle cx=\"{X(last.i)}\" cy=\"{Y(last.v!.Value)}\" r=\"2.5\" fill=\"#0969da\"/>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// Prepares an SVG document to sit inline in an HTML page next to others: drops the XML
    /// declaration, turns the fixed size into a view box (so the chart scales with the page), and
    /// prefixes every id and id reference.
    /// </summary>
    /// <param name="svg">The SVG document.</param>
    /// <param name="prefix">A prefix unique in the page (letters, digits, dashes).</param>
    /// <returns>The SVG element.</returns>
    public static string Inline(string svg, string prefix)
    {
        ArgumentNullException.ThrowIfNull(svg);
        if (string.IsNullOrEmpty(prefix) || !SafePrefix().IsMatch(prefix))
        {
            throw new ArgumentException($"prefix: must be letters, digits and dashes; it was '{prefix}'.", nameof(prefix));
        }

        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        var element = start < 0 ? svg : svg[start..];
        element = RootSize().Replace(element, m => $"{m.Groups[1].Value} viewBox=\"0 0 {m.Groups[3].Value} {m.Groups[4].Value}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\"", 1);
        element = IdAttribute().Replace(element, m => $"id=\"{prefix}-{m.Groups[1].Value}\"");
        element = UrlReference().Replace(element, m => $"url(#{prefix}-{m.Groups[1].Value})");
        return HrefReference().Replace(element, m => $"{m.Groups[1].Value}=\"#{prefix}-{m.Groups[2].Value}\"");
    }

    [GeneratedRegex("^(<svg\\b[^>]*?)(\\s+)width=\"(\\d+(?:\\.\\d+)?)\"\\s+height=\"(\\d+(?:\\.\\d+)?)\"")]
    private static partial Regex RootSize();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]*$")]
    private static partial Regex SafePrefix();

    [GeneratedRegex("\\bid=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("url\\(#([^)]+)\\)")]
    private static partial Regex UrlReference();

    [GeneratedRegex("\\b((?:xlink:)?href)=\"#([^\"]+)\"")]
    private static partial Regex HrefReference();
}
