using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Renders a <see cref="QualityReport"/> as CSV (RFC 4180, via CsvHelper): one CSV per table,
/// named after <see cref="ReportTable.Id"/>, with a header row. A text cell that a spreadsheet
/// would run as a formula (starting with =, +, −, @, tab or carriage return) is prefixed with an
/// apostrophe; signed figures such as <c>-8.1 pt</c> are written as they are. Thread-safe (stateless).
/// </summary>
public static partial class CsvReportRenderer
{
    /// <summary>Writes one table.</summary>
    /// <param name="table">The table.</param>
    /// <param name="writer">Where to write.</param>
    public static void Write(ReportTable table, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(writer);
        using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.None }, leaveOpen: true);
        foreach (var header in table.Headers)
        {
            csv.WriteField(header);
        }

        csv.NextRecord();
        foreach (var row in table.Rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(Defuse(cell));
            }

            csv.NextRecord();
        }

        csv.Flush();
    }

    /// <summary>Writes every table of a report into a directory (created when missing) as <c>{id}.csv</c>, UTF-8.</summary>
    /// <param name="report">The report.</param>
    /// <param name="directory">The directory.</param>
    /// <returns>The files written, in reading order.</returns>
    public static IReadOnlyList<string> WriteAll(QualityReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var table in ReportTables.Of(report))
        {
            var path = Path.Combine(directory, table.Id + ".csv");
            using (var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
            {
                Write(table, writer);
            }

            files.Add(path);
        }

        return files;
    }

    private static string Defuse(string cell) =>
        cell.Length > 1 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !SignedFigure().IsMatch(cell) ? "'" + cell : cell;

    [GeneratedRegex(@"^[+-]\d+(\.\d+)?( (s|min|h|d|%|pt))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SignedFigure();
}
