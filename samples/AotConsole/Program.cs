using System.Security.Cryptography;
using System.Text.Json;
using AfterSales.Quality.Import;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Reporting;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Tickets;
using NodaTime;

// The Native AOT smoke test (see AotConsole.csproj): one ticket through its life on SQLite, read back,
// reported (JSON and CSV), and an import mapping with a time zone read and written.
var directory = Path.Combine(Path.GetTempPath(), $"aftersales-aot-{Guid.NewGuid():N}");
Directory.CreateDirectory(directory);
var database = Path.Combine(directory, "aot.db");
var key = RandomNumberGenerator.GetBytes(32);
var failures = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok)
    {
        failures.Add(what);
    }
}

try
{
    var id = TicketId.New();
    var received = Instant.FromUtc(2024, 3, 1, 1, 30);
    using (var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = database, Protector = new AesGcmPersonalDataProtector("aot", key) }))
    {
        var options = new TicketServiceOptions();
        options.Numbering.TimeZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var clock = new StepClock { Now = received };
        var service = new TicketService(store, store, clock, options);
        var registered = await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li",
            Intake = new TicketIntake
            {
                CustomerName = "王小明", Contact = "13800000000", ProductModel = "X1 phone", ProductLine = "phones",
                PurchaseOrServiceDate = new LocalDate(2024, 1, 15), Channel = ServiceChannel.Phone, ReceivedAt = received,
                Description = "The screen stays black after the update.", Owner = "agent-li",
            },
        });
        Check(registered.Ticket.FeedbackNumber.StartsWith("F20240301", StringComparison.Ordinal), $"registered as {registered.Ticket.FeedbackNumber}");
        clock.Now += Duration.FromMinutes(20);
        var triaged = await service.ExecuteAsync(new TriageTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-desk", Category = TicketCategory.ProductFault,
            Assessment = new PriorityAssessment { Severity = Severity.CoreFunction, Urgency = Urgency.UseBlocked, ImpactScope = ImpactScope.SingleCustomer },
        });
        Check(triaged.Ticket.Priority is not null && triaged.Ticket.Route is not null, $"triaged: priority {triaged.Ticket.Priority}, routed to {triaged.Ticket.Route?.Department}");
        clock.Now += Duration.FromMinutes(10);
        await service.ExecuteAsync(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "team-lead", Assignee = "agent-wang" });
        await service.ExecuteAsync(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-wang" });
        clock.Now += Duration.FromHours(3);
        var resolved = await service.ExecuteAsync(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-wang", Solution = "Firmware rolled back." });
        Check(resolved.Ticket.State == TicketState.Resolved, $"resolved: state {resolved.Ticket.State}");
    }

    // A second store on the same file: every event is read back through the source-generated JSON.
    using (var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = database, Protector = new AesGcmPersonalDataProtector("aot", key) }))
    {
        var service = new TicketService(store, store, SystemClock.Instance);
        var ticket = await service.GetAsync(id);
        var history = await service.GetHistoryAsync(id);
        Check(ticket.State == TicketState.Resolved && ticket.Solution == "Firmware rolled back.", $"read back: {ticket.State}, solution '{ticket.Solution}'");
        Check(ticket.Intake?.CustomerName == "王小明", "personal data decrypted on read");
        Check(ticket.ResolvedAt == received + Duration.FromMinutes(30) + Duration.FromHours(3), $"resolved at {ticket.ResolvedAt}");
        Check(history.Count == 5, $"{history.Count} events: {string.Join(", ", history.Select(e => TicketEventTypes.NameOf(e.Event.GetType())))}");

        // The report's JSON (source-generated, NodaTime values through hand-written converters) and its CSV tables.
        var now = received + Duration.FromDays(3);
        var report = await QualityReportBuilder.BuildAsync(store, SlaPolicySet.Default, [], now);
        var reportJson = JsonReportRenderer.Render(report);
        if (Environment.GetEnvironmentVariable("AOT_SMOKE_SHOW_REPORT") == "1")
        {
            Console.WriteLine(reportJson);
        }

        using var json = JsonDocument.Parse(reportJson);
        Check(json.RootElement.GetProperty("tickets").GetInt64() == 1 && json.RootElement.GetProperty("generatedAt").GetString() == "2024-03-04T01:30:00Z", $"JSON report: {json.RootElement.GetProperty("tickets")} ticket, generated at {json.RootElement.GetProperty("generatedAt")}");
        var tables = CsvReportRenderer.WriteAll(report, Path.Combine(directory, "report"));
        Check(tables.Count > 0 && tables.All(File.Exists), $"CSV report: {tables.Count} tables");
    }

    // An import mapping file: the time zone through the hand-written TZDB converter, both ways.
    var mapping = EventLogMappings.FromJson("""{ "basedOn": "servicenow", "timeZone": "Asia/Shanghai" }""");
    Check(mapping.TimeZone?.Id == "Asia/Shanghai" && EventLogMappings.ToJson(mapping).Contains("\"Asia/Shanghai\"", StringComparison.Ordinal), $"import mapping: time zone {mapping.TimeZone?.Id}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

Console.WriteLine(failures.Count == 0 ? "AOT smoke test passed." : $"AOT smoke test FAILED: {string.Join("; ", failures)}");
return failures.Count == 0 ? 0 : 1;

/// <summary>A clock the smoke test moves by hand.</summary>
internal sealed class StepClock : IClock
{
    public Instant Now { get; set; }

    public Instant GetCurrentInstant() => Now;
}
