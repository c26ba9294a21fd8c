using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace AfterSales.Quality.Import;

/// <summary>
/// Reads a CSV file row by row and reports, by line, every row it cannot read faithfully instead of
/// swallowing it: bad quoting, a field count other than the header's (an unquoted comma that shifts
/// columns, a quote that is never closed and eats the lines after it), a file that cannot be parsed past
/// a point. A leading BOM and CRLF/LF mixes are read as such. Empty cells and the file's null token read
/// as null.
/// </summary>
internal sealed class CsvSource : IDisposable
{
    private readonly CsvReader reader;
    private readonly string[] header;
    private readonly Dictionary<string, int> index = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? nullToken;
    private readonly List<ImportProblem> problems;
    private string? badData;
    private int lastRawRow;

    // The current row: its raw fields read once, and each cell's trimmed value (null-normalised) computed on first use,
    // so a column the importer reads several times per row (agent, team, product on every event) costs one look-up.
    private string[] record = [];
    private string?[] cells = [];
    private int[] cellRow = [];
    private int row;

    // Column names resolved to indices by reference: the mapping passes the same string instances on every row.
    private readonly Dictionary<string, int> resolved = new(ReferenceEqualityComparer.Instance);

    private CsvSource(CsvReader reader, string[] header, string? nullToken, List<ImportProblem> problems)
    {
        this.reader = reader;
        this.header = header;
        this.nullToken = nullToken;
        this.problems = problems;
        lastRawRow = reader.Parser.RawRow;

        // Index columns by their first occurrence: some logs repeat a header name (e.g. "Variant").
        for (var i = 0; i < header.Length; i++)
        {
            index.TryAdd(header[i].Trim().TrimStart('\uFEFF').Trim(), i);
        }
    }

    /// <summary>The header's column names (a BOM removed).</summary>
    public IReadOnlyCollection<string> Columns => index.Keys;

    /// <summary>Data rows read (good or reported).</summary>
    public int RowsRead { get; private set; }

    /// <summary>The 1-based line the current row starts on.</summary>
    public int Line { get; private set; }

    /// <summary>The current row's raw fields, for content hashes.</summary>
    public IReadOnlyList<string> RawFields => record;

    /// <summary>Opens a file and reads its header.</summary>
    /// <exception cref="QualityValidationException">The file has no header row.</exception>
    public static CsvSource Open(TextReader csv, string what, string? nullToken, List<ImportProblem> problems)
    {
        CsvSource? source = null;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = args => source?.OnBadData(args),
        };
        var reader = new CsvReader(csv, configuration);
        try
        {
            if (!reader.Read() || !reader.ReadHeader() || reader.HeaderRecord is not { Length: > 0 } header)
            {
                throw new QualityValidationException(what, [new ValidationError("header", "the file has no header row.")]);
            }

            source = new CsvSource(reader, header, string.IsNullOrEmpty(nullToken) ? null : nullToken, problems);
            return source;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Whether the header has a column.</summary>
    public bool Has(string column) => index.ContainsKey(column);

    /// <summary>
    /// Moves to the next readable row, reporting (and skipping) every row that is not. False at the end
    /// of the file, or where the parser cannot go on (reported with the line).
    /// </summary>
    public bool Next()
    {
        while (true)
        {
            badData = null;
            bool more;
            try
            {
                more = reader.Read();
            }
            catch (CsvHelperException ex)
            {
                problems.Add(new ImportProblem(lastRawRow + 1, null, $"the file cannot be read from this line on: {ex.Message.Split('\n')[0]}"));
                return false;
            }

            if (!more)
            {
                return false;
            }

            RowsRead++;
            Line = lastRawRow + 1;
            var end = reader.Parser.RawRow;
            lastRawRow = end;
            var count = reader.Parser.Count;
            if (badData is not null)
            {
                problems.Add(new ImportProblem(Line, null, $"the row is not valid CSV ({badData}); it is skipped."));
                continue;
            }

            if (count != header.Length)
            {
                var spans = end > Line ? $" and runs over lines {Line}-{end} (a quote that is never closed?)" : "";
                problems.Add(new ImportProblem(Line, null, $"the row has {count} fields but the header has {header.Length}{spans} (an unquoted separator?); it is skipped."));
                continue;
            }

            record = reader.Parser.Record ?? [];
            if (cells.Length != record.Length)
            {
                cells = new string?[record.Length];
                cellRow = new int[record.Length];
            }

            row++;
            return true;
        }
    }

    /// <summary>A cell of the current row: trimmed; null when empty, when it is the null token, or when the column is not mapped.</summary>
    public string? Field(string? column)
    {
        if (column is null)
        {
            return null;
        }

        if (!resolved.TryGetValue(column, out var i))
        {
            i = index.TryGetValue(column, out var found) ? found : -1;
            resolved[column] = i;
        }

        if (i < 0 || i >= record.Length)
        {
            return null;
        }

        if (cellRow[i] != row)
        {
            var value = record[i].Trim();
            cells[i] = value.Length == 0 || string.Equals(value, nullToken, StringComparison.Ordinal) ? null : value;
            cellRow[i] = row;
        }

        return cells[i];
    }

    public void Dispose() => reader.Dispose();

    private void OnBadData(BadDataFoundArgs args) =>
        badData ??= $"bad quoting in '{(args.Field.Length > 40 ? args.Field[..40] + "…" : args.Field)}'";
}
