using System.Text;

namespace AfterSales.Quality.Reporting;

/// <summary>Renders a <see cref="QualityReport"/> as Markdown (GitHub tables). Thread-safe (stateless).</summary>
public static class MarkdownReportRenderer
{
    /// <summary>Renders a report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The Markdown text.</returns>
    public static string Render(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = ReportText.For(report.Culture);
        var md = new StringBuilder();
        md.Append("# ").AppendLine(Escape(report.Title)).AppendLine();
        md.AppendLine(Escape(HtmlReportRenderer.ReportMeta(report, t))).AppendLine();
        if (report.Scope is { } scope)
        {
            md.Append("**").Append(Escape(t.Format("Report.Scope", scope))).AppendLine("**").AppendLine();
        }

        foreach (var table in ReportTables.Of(report))
        {
            md.Append("## ").AppendLine(Escape(table.Title)).AppendLine();
            if (table.Note is { } note)
            {
                md.AppendLine(Escape(note)).AppendLine();
            }

            if (table.Rows.Count == 0)
            {
                md.Append('_').Append(Escape(t["Report.NoData"])).AppendLine("_").AppendLine();
                continue;
            }

            md.Append("| ").AppendJoin(" | ", table.Headers.Select(Escape)).AppendLine(" |");
            md.Append('|').AppendJoin("|", table.Headers.Select(_ => "---")).AppendLine("|");
            foreach (var row in table.Rows.Take(report.TableRows))
            {
                md.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
            }

            md.AppendLine();
            if (table.Rows.Count > report.TableRows)
            {
                md.AppendLine(Escape(t.Format("Report.MoreRows", t.Count(table.Rows.Count - report.TableRows), table.Id))).AppendLine();
            }
        }

        return md.ToString();
    }

    /// <summary>Escapes text for a Markdown table cell: pipes, backslashes, emphasis and HTML characters; line breaks become spaces.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '|' or '\\' or '*' or '_' or '`' or '[' or ']':
                    sb.Append('\\').Append(c);
                    break;
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                case '\r' or '\n':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
