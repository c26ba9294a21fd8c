using System.Globalization;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using CsvHelper;
using CsvHelper.Configuration;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>
/// Imports an event log (one CSV row per status change) through the real ticket lifecycle: each
/// case becomes a registered ticket whose history is the mapped activities, with the steps the
/// lifecycle requires and the source leaves implicit (triage before assignment, assignment before
/// work, a reopen when work restarts after a resolution) added at the same instant. Bad rows are
/// reported with their line and skipped; the rest import. Re-running the same file appends nothing:
/// ticket and command ids derive from the source, the case and the step.
/// </summary>
public sealed class EventLogImporter
{
    private readonly ITicketStore store;
    private readonly ISequenceStore sequences;
    private readonly TicketServiceOptions options;

    /// <summary>Creates the importer.</summary>
    /// <param name="store">The ticket log to import into.</param>
    /// <param name="sequences">The sequence store for feedback and revisit numbers.</param>
    /// <param name="options">The ticket rules (numbers, priorities, routing).</param>
    public EventLogImporter(ITicketStore store, ISequenceStore sequences, TicketServiceOptions? options = null)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.sequences = sequences ?? throw new ArgumentNullException(nameof(sequences));
        this.options = options ?? new TicketServiceOptions();
        this.options.Validate();
    }

    /// <summary>Imports a log.</summary>
    /// <param name="csv">The CSV text, with a header row.</param>
    /// <param name="mapping">The column and activity mapping; validated first.</param>
    /// <param name="cancellationToken">Cancels between tickets; what was imported stays, and a re-run completes it.</param>
    /// <returns>What was imported and which rows were skipped.</returns>
    /// <exception cref="QualityValidationException">The mapping is invalid, or the header lacks a mapped column (named).</exception>
    public async Task<ImportReport> ImportAsync(TextReader csv, EventLogMapping mapping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(mapping);
        mapping.Validate();
        var (cases, rows, problems) = Read(csv, mapping, mapping.TimeZone ?? options.Numbering.TimeZone);
        var clock = new ImportClock();
        var service = new TicketService(store, sequences, clock, options);
        long appended = 0;
        foreach (var (caseId, steps) in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var plan = await CasePlanner.PlanAsync(mapping, caseId, steps, options, problems).ConfigureAwait(false);
            foreach (var (at, command) in plan)
            {
                clock.Now = at;
                var result = await service.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                appended += result.NewEvents.Count;
            }
        }

        return new ImportReport(rows, cases.Count, appended, problems.OrderBy(p => p.LineNumber).ToArray());
    }

    private static (List<(string CaseId, List<CaseStep> Steps)> Cases, int Rows, List<ImportProblem> Problems) Read(TextReader csv, EventLogMapping mapping, DateTimeZone zone)
    {
        var parser = TimestampParser.Create(mapping.TimestampPattern, zone);
        var problems = new List<ImportProblem>();
        var cases = new Dictionary<string, List<CaseStep>>(StringComparer.Ordinal);
        var order = new List<string>();
        using var reader = new CsvReader(csv, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectColumnCountChanges = false, BadDataFound = null, MissingFieldFound = null });
        if (!reader.Read() || !reader.ReadHeader())
        {
            throw new QualityValidationException("EventLog", [new ValidationError("header", "the file has no header row.")]);
        }

        // Index columns by their first occurrence: some logs repeat a header name (e.g. "Variant").
        var header = reader.HeaderRecord!;
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            index.TryAdd(header[i].Trim(), i);
        }

        var missing = new[] { mapping.CaseIdColumn, mapping.TimestampColumn }.Concat(mapping.ActivityColumns)
            .Concat(new[] { mapping.AgentColumn, mapping.TeamColumn, mapping.LevelColumn, mapping.ProductColumn, mapping.CustomerColumn, mapping.ImpactColumn }.OfType<string>())
            .Where(c => !index.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new QualityValidationException("EventLog", missing.Select(c => new ValidationError(c, "is a mapped column the header does not have.")).ToArray());
        }

        string? Field(string? column) => column is null ? null : reader.GetField(index[column])?.Trim();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
            var line = reader.Parser.RawRow;
            var caseId = Field(mapping.CaseIdColumn);
            if (string.IsNullOrEmpty(caseId))
            {
                problems.Add(new ImportProblem(line, null, $"'{mapping.CaseIdColumn}' is empty."));
                continue;
            }

            var timestamp = Field(mapping.TimestampColumn) ?? "";
            if (!parser.TryParse(timestamp, out var at, out var error))
            {
                problems.Add(new ImportProblem(line, caseId, $"'{mapping.TimestampColumn}' value '{timestamp}' is not a timestamp of pattern {mapping.TimestampPattern}: {error}"));
                continue;
            }

            var activity = string.Join(mapping.ActivitySeparator, mapping.ActivityColumns.Select(c => Field(c) ?? ""));
            if (!mapping.Activities.TryGetValue(activity, out var action))
            {
                problems.Add(new ImportProblem(line, caseId, $"activity '{activity}' has no mapping."));
                continue;
            }

            int? level = null;
            if (Field(mapping.LevelColumn) is { Length: > 0 } levelText)
            {
                if (mapping.Levels.TryGetValue(levelText, out var l))
                {
                    level = l;
                }
                else
                {
                    problems.Add(new ImportProblem(line, caseId, $"support level '{levelText}' has no mapping; the row is imported without it."));
                }
            }

            if (!cases.TryGetValue(caseId, out var steps))
            {
                cases[caseId] = steps = [];
                order.Add(caseId);
            }

            steps.Add(new CaseStep(line, at, action, Field(mapping.AgentColumn), Field(mapping.TeamColumn), level, Field(mapping.ProductColumn), Field(mapping.CustomerColumn), Field(mapping.ImpactColumn)));
        }

        return (order.Select(id => (id, cases[id].OrderBy(s => s.At).ThenBy(s => s.Line).ToList())).ToList(), rows, problems);
    }
}

/// <summary>One mapped row of a case.</summary>
internal sealed record CaseStep(int Line, Instant At, ImportAction Action, string? Agent, string? Team, int? Level, string? Product, string? Customer, string? Impact);
