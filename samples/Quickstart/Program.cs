using System.Globalization;
using System.Security.Cryptography;
using AfterSales.Quality.Calendars;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Import;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Parquet;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Reporting;
using AfterSales.Quality.Reporting.Charts;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Tickets;
using NodaTime;
using Quickstart;

// The Quickstart: a quarter of after-sales work generated through the public API (or real tickets
// imported from a CSV), then a summary.
//   dotnet run -c Release --project samples/Quickstart
//   dotnet run -c Release --project samples/Quickstart -- --import tickets.csv
//   dotnet run -c Release --project samples/Quickstart -- --event-log bpic2013 samples/data/event-logs/bpic2013-incidents.csv.gz
//   dotnet run -c Release --project samples/Quickstart -- --event-log servicenow incident_audit.csv   (or a mapping.json)
var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
var clock = new SimulatedClock(Instant.FromUtc(2024, 1, 1, 0, 0));
// The embedded SQLite store, in a fresh file.
var output = Path.GetFullPath("quickstart-output");
Directory.CreateDirectory(output);
var database = Path.Combine(output, "quickstart.db");
foreach (var file in new[] { database, database + "-wal", database + "-shm" })
{
    File.Delete(file);
}

// Personal data and free text are encrypted with a data key per customer, wrapped by a master key from a key
// ring (a host binds MasterKeyRingOptions from its secret store, or plugs its KMS in as IMasterKeyProvider);
// erasing a customer destroys their key. Here the ring's one key is new on every run.
var masterKeys = MasterKeyRing.FromOptions(new MasterKeyRingOptions
{
    CurrentKeyId = "quickstart-1",
    Keys = { ["quickstart-1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
});
using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = database, MasterKeys = masterKeys });
Console.WriteLine($"Embedded SQLite store: {database}");
var options = new TicketServiceOptions();
options.Numbering.TimeZone = zone;
var service = new TicketService(store, store, clock, options);

var ids = new List<TicketId>();
var plans = new List<ImprovementPlan>();
if (args.Length >= 2 && args[0] == "--import")
{
    Console.WriteLine($"AfterSales.Quality Quickstart: importing tickets from {args[1]}...");
    using var reader = new StreamReader(args[1]);
    var report = await new TicketCsvImporter(store, store, SystemClock.Instance, options).ImportAsync(reader);
    PrintReport(report);
}
else if (args.Length >= 3 && args[0] == "--event-log")
{
    // A preset name (bpic2013, helpdesk2017, servicenow, zendesk, jira-sm) or a JSON mapping file (see docs/import.md).
    EventLogMapping mapping;
    try
    {
        mapping = EventLogMappings.IsPreset(args[1]) ? EventLogMappings.Preset(args[1]) : EventLogMappings.FromJson(File.ReadAllText(args[1]));
    }
    catch (Exception ex) when (ex is AfterSales.Quality.QualityValidationException or IOException)
    {
        Console.Error.WriteLine($"'{args[1]}' is neither a preset ({string.Join(", ", EventLogMappings.PresetNames)}) nor a valid mapping file: {ex.Message}");
        return 2;
    }

    Console.WriteLine($"AfterSales.Quality Quickstart: importing the {mapping.Source} event log from {args[2]}...");
    // The vendored logs (samples/data/event-logs) are gzip; plain CSV files are read as they are.
    StreamReader Open() => args[2].EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
        ? new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(args[2]), System.IO.Compression.CompressionMode.Decompress))
        : new StreamReader(args[2]);
    var importer = new EventLogImporter(store, store, SystemClock.Instance, options);
    var progress = new SynchronousProgress<ImportProgress>(p => Console.WriteLine($"  {p.CasesDone}/{p.Cases} cases, {p.EventsAppended} events ({p.Rows} rows read)"));
    using (var reader = Open())
    {
        PrintReport(await importer.ImportAsync(reader, mapping, progress));
    }

    if (mapping.ReconciledFigures.Count > 0)
    {
        using var again = Open();
        var reconciliation = await importer.ReconcileAsync(again, mapping, firstDisagreements: 3);
        Console.WriteLine($"  reconciliation with the export's own figures ({reconciliation.Cases} cases):");
        foreach (var figure in reconciliation.Figures)
        {
            Console.WriteLine($"    {figure.Column}: {figure.Agreed} agree, {figure.Disagreed} differ, {figure.NotCompared} not compared ({figure.AgreementRate:P1})");
            foreach (var d in figure.FirstDisagreements)
            {
                Console.WriteLine($"      {d.CaseId}: {d.Reason}");
            }
        }
    }
}
else if (args.Length > 0)
{
    Console.Error.WriteLine($"Usage: Quickstart [--import tickets.csv | --event-log {string.Join("|", EventLogMappings.PresetNames)}|mapping.json file.csv]");
    return 2;
}
else
{
    const int days = 91;
    var simulation = new QuarterSimulation(service, clock, zone, seed: 2024);
    Console.WriteLine("AfterSales.Quality Quickstart: simulating Q1 2024 of after-sales work...");
    await simulation.RunAsync(new LocalDate(2024, 1, 1), days, ticketsPerDay: 40, new SynchronousProgress<int>(day =>
    {
        if (!Console.IsOutputRedirected)
        {
            Console.Write($"\r  day {day,3}/{days} [{new string('#', day * 40 / days),-40}]");
        }
        else if (day % 13 == 0)
        {
            Console.WriteLine($"  day {day,3}/{days}");
        }
    }));
    Console.WriteLine();
    Console.WriteLine($"Closed: {simulation.Closed}, reopened after an unsatisfied revisit: {simulation.Reopened}, escalated: {simulation.Escalated}, cancelled: {simulation.Cancelled}");
    var end = clock.Now;
    plans.AddRange(await ImprovementPlans.RunAsync(store, store, store, clock, zone, simulation.ProblemTickets));
    clock.Now = Instant.Max(end, clock.Now);
    Console.WriteLine($"Improvement plans: {string.Join(", ", plans.Select(p => $"{p.Number} {p.StatusOn(clock.Now.InZone(zone).Date)}"))}");
}

var tickets = new Dictionary<TicketId, Ticket>();
await foreach (var e in store.ReadFeedAsync(0))
{
    tickets[e.Event.TicketId] = (tickets.TryGetValue(e.Event.TicketId, out var t) ? t : Ticket.Empty(e.Event.TicketId)).Apply(e.Event);
}

var events = tickets.Values.Sum(t => t.Version);
Console.WriteLine($"Tickets: {tickets.Count}, events recorded: {events}");
Console.WriteLine();
Console.WriteLine("| state | tickets |");
Console.WriteLine("|---|---:|");
foreach (var group in tickets.Values.GroupBy(t => t.State).OrderBy(g => g.Key))
{
    Console.WriteLine($"| {group.Key} | {group.Count()} |");
}

Console.WriteLine();
Console.WriteLine("| priority | tickets | share |");
Console.WriteLine("|---|---:|---:|");
foreach (var group in tickets.Values.Where(t => t.Priority is not null).GroupBy(t => t.Priority!.Value).OrderBy(g => g.Key))
{
    Console.WriteLine($"| {group.Key} | {group.Count()} | {100.0 * group.Count() / tickets.Count:F1} % |");
}

// The KPI measurement table of the guides, measured on the mainland China business calendar.
var policies = SlaPolicySet.Default.WithCalendar(SlaPolicySet.DefaultCalendarName, ChinaMainlandHolidays.Calendar());
var now = clock.GetCurrentInstant();
// The KPI read model: follows the store's feed and keeps one 32-byte fact per ticket.
var projection = new TicketFactProjection(store, policies, capacity: tickets.Count, timeZone: zone); // periods in the desk's zone
await projection.RefreshAsync(now);
var facts = projection.Facts;

var overallAggregate = KpiEngine.Aggregate(facts, new KpiQuery { WithPercentiles = true }).Single().Aggregate;
var overall = overallAggregate.ToValues();
var rows = KpiMeasurementTable.Build(overallAggregate, KpiDefinitions.DefaultTargets); // the guides' targets
Console.WriteLine();
Console.WriteLine("KPI measurement table (SLA on the mainland China business calendar):");
Console.WriteLine();
Console.WriteLine("| metric | formula | source | target | actual | met |");
Console.WriteLine("|---|---|---|---:|---:|:---:|");
foreach (var row in rows)
{
    Console.WriteLine($"| {row.Name} | {row.Formula} | {row.Source} | {Show(row.Kpi, row.Target.Value, row.Target.Direction)} | {(row.Actual is { } a ? Show(row.Kpi, a, null) : "n/a")} | {(row.Met switch { true => "yes", false => "no", _ => "-" })} |");
}

Console.WriteLine();
Console.WriteLine($"FRT p50 {overall.FirstResponseP50Seconds / 60:F0} min, p90 {overall.FirstResponseP90Seconds / 60:F0} min; AHT {overall.HandlingMeanSeconds / 3600:F1} h; {facts.Count} tickets.");

// The manager's report: every table of the guides, with charts, in one self-contained HTML file.
var storedPlans = new List<ImprovementPlan>();
await foreach (var plan in store.ListAsync())
{
    storedPlans.Add(plan); // the improvement plans live in the same SQLite file as the tickets
}

// One report per language: report.zh-CN.html (the guides' Chinese terms) and report.en.html, with Markdown, JSON and CSV beside them.
// The descriptions the simulated desk writes from its template are left out of the keywords. The feedback text the keywords
// and revisit suggestions need is read through the personal-data guard, as the report job's service account with a role the
// access policy allows: one audit record per ticket read, in the same SQLite file.
var textAccess = new ReportTextAccess
{
    Guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy("quality-analyst"), store, clock),
    Reader = new Viewer("quickstart-report", new HashSet<string> { "quality-analyst" }),
    Purpose = "quickstart: quarterly quality report",
};
QualityReport? qualityReport = null;
var html = "";
foreach (var language in new[] { "zh-CN", "en" })
{
    qualityReport = await QualityReportBuilder.BuildAsync(store, policies, storedPlans, now,
        new QualityReportOptions { Culture = CultureInfo.GetCultureInfo(language), TimeZone = zone, KeywordIgnoredText = [QuarterSimulation.DescriptionTemplate], TextAccess = textAccess }, projection);
    html = Path.Combine(output, $"report.{language}.html");
    await File.WriteAllTextAsync(html, HtmlReportRenderer.Render(qualityReport, ReportCharts.Renderer));
    await File.WriteAllTextAsync(Path.Combine(output, $"report.{language}.md"), MarkdownReportRenderer.Render(qualityReport));
    await File.WriteAllTextAsync(Path.Combine(output, $"report.{language}.json"), JsonReportRenderer.Render(qualityReport));
    CsvReportRenderer.WriteAll(qualityReport, Path.Combine(output, "csv", language));
}

// One report per team in one call (the store is read once): teams/report.<team>.zh-CN.html.
var teamReports = await QualityReportBuilder.BuildPerGroupAsync(store, policies, storedPlans, now, FactDimension.Team,
    new QualityReportOptions { Culture = CultureInfo.GetCultureInfo("zh-CN"), TimeZone = zone, KeywordIgnoredText = [QuarterSimulation.DescriptionTemplate], TextAccess = textAccess }, projection);
Directory.CreateDirectory(Path.Combine(output, "teams"));
foreach (var section in teamReports)
{
    var file = string.Concat((section.Name ?? "unrouted").Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c));
    await File.WriteAllTextAsync(Path.Combine(output, "teams", $"report.{file}.zh-CN.html"), HtmlReportRenderer.Render(section.Report, ReportCharts.Renderer));
}

Console.WriteLine();
Console.WriteLine($"Team reports: {string.Join(", ", teamReports.Select(s => $"{s.Name ?? "unrouted"} ({s.Report.Tickets} tickets, {s.Report.Backlog.Sum(b => b.Open)} open)"))} in {Path.Combine(output, "teams")}");
Console.WriteLine($"Top problems of {qualityReport!.AnalysedMonth:uuuu-MM}: {string.Join("; ", qualityReport.TopProblems.Select(p => $"{p.Rank}. {p.Name} ({p.Tickets}{(p.Persistent ? ", in the top 3 months running" : "")})"))}");
Console.WriteLine($"Reports: {Path.Combine(output, "report.zh-CN.html")} and {html} (also report.<language>.md, .json and csv/<language>/ beside them)");

// The warehouse path: the facts to Parquet by month (a second run rewrites only the months whose facts changed).
var warehouse = await FactParquetExporter.ExportAsync(projection, new FactExportOptions { Directory = Path.Combine(output, "warehouse", "facts") });
Console.WriteLine($"Warehouse export: {warehouse.Facts} facts, {warehouse.MonthsWritten} months written, {warehouse.MonthsUnchanged} unchanged, {warehouse.MonthsRemoved} removed in {Path.Combine(output, "warehouse", "facts")} (read it with DuckDB: read_parquet('…/month=*/facts.parquet', hive_partitioning = true))");
return 0;

static string Show(KpiDefinition kpi, double value, TargetDirection? direction)
{
    var prefix = direction switch { TargetDirection.AtMost => "≤ ", TargetDirection.AtLeast => "≥ ", _ => "" };
    return prefix + kpi.Unit switch
    {
        KpiUnit.Seconds => $"{value / 60:F0} min",
        KpiUnit.Fraction => $"{value * 100:F1} %",
        _ => $"{value:F2}",
    };
}

static void PrintReport(ImportReport report)
{
    Console.WriteLine($"  rows {report.Rows}, tickets {report.Tickets} ({report.UnchangedTickets} unchanged{(report.ExportUnchanged ? ": the export was imported before, recognised whole" : "")}), events appended {report.EventsAppended}, problems {report.Problems.Count}, changes not applied {report.Notices.Count}");
    foreach (var problem in report.Problems.Take(10).Concat(report.Notices.Take(5)))
    {
        Console.WriteLine($"  line {problem.LineNumber} ({problem.CaseId}): {problem.Reason}");
    }
}

/// <summary>Reports progress on the calling thread (Progress&lt;T&gt; posts to the thread pool and may print late).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
