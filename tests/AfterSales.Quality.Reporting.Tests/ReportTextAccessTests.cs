using System.Globalization;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>A report reads feedback text only through the personal-data guard, every ticket read audited; erased text is gone.</summary>
public sealed class ReportTextAccessTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    [Fact]
    public async Task Keywords_are_read_through_the_guard_and_every_ticket_read_is_recorded_once()
    {
        var data = await ReportData.CreateAsync(ticketsPerDay: 1);
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
            new QualityReportOptions { Culture = English, TimeZone = ReportData.Shanghai, TextAccess = data.TextAccess() });

        Assert.Contains(report.Keywords, k => k.Keyword == "battery");
        Assert.Contains(report.Revisits, r => r.Suggestions is not null);
        var read = report.FreeText!;
        Assert.Equal((data.Tickets, 0, "quality-report"), (read.TicketsRead, read.TicketsWithheld, read.Reader));

        var records = (await data.Store.ListAccessesAsync()).Where(r => r.AccessId == read.AccessId).ToArray();
        Assert.Equal(data.Tickets, records.Length);
        Assert.Equal(data.Tickets, records.Select(r => r.TicketId).Distinct().Count());
        Assert.All(records, r => Assert.Equal(
            (PersonalDataAccessKind.Statistics, PersonalDataAccessDecision.Allowed, "quality-report", read.Purpose, data.Now),
            (r.Kind, r.Decision, r.Actor, r.Purpose, r.At)));
    }

    [Fact]
    public async Task Without_text_access_a_report_reads_no_free_text_and_says_so()
    {
        var data = await ReportData.CreateAsync(ticketsPerDay: 1);
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, new QualityReportOptions { Culture = English, TimeZone = ReportData.Shanghai });

        Assert.Null(report.FreeText);
        Assert.Empty(report.Keywords);
        Assert.NotEmpty(report.Revisits);
        Assert.All(report.Revisits, r => Assert.Null(r.Suggestions));
        Assert.Empty(await data.Store.ListAccessesAsync());
        Assert.Contains("Feedback text was not read (no QualityReportOptions.TextAccess)", MarkdownReportRenderer.Render(report), StringComparison.Ordinal);
        Assert.Equal(data.Tickets, report.Tickets); // the KPIs need no text
    }

    [Fact]
    public async Task A_reader_the_policy_denies_gets_no_text_and_every_refusal_is_recorded()
    {
        var data = await ReportData.CreateAsync(ticketsPerDay: 1);
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
            new QualityReportOptions { Culture = English, TimeZone = ReportData.Shanghai, TextAccess = data.TextAccess(role: "intern") });

        Assert.Empty(report.Keywords);
        Assert.All(report.Revisits, r => Assert.Null(r.Suggestions));
        Assert.Equal((0, data.Tickets), (report.FreeText!.TicketsRead, report.FreeText.TicketsWithheld));
        var records = await data.Store.ListAccessesAsync();
        Assert.Equal(data.Tickets, records.Count);
        Assert.All(records, r => Assert.Equal(PersonalDataAccessDecision.Denied, r.Decision));
    }

    [Fact]
    public async Task A_filtered_report_reads_and_records_only_the_tickets_it_covers()
    {
        var data = await ReportData.CreateAsync(ticketsPerDay: 1);
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, new QualityReportOptions
        {
            Culture = English, TimeZone = ReportData.Shanghai, TextAccess = data.TextAccess(),
            Filter = new QualityReportFilter { Period = new DateInterval(new LocalDate(2024, 3, 1), new LocalDate(2024, 3, 31)) },
        });

        Assert.Equal(report.Tickets, report.FreeText!.TicketsRead);
        Assert.InRange(report.Tickets, 1, data.Tickets - 1);
        Assert.Equal(report.Tickets, (await data.Store.ListAccessesAsync()).Count);
    }

    [Fact]
    public async Task After_an_erasure_the_erased_text_is_gone_from_the_keywords_and_an_earlier_reports_counts_stay()
    {
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 1, 2, 0));
        var store = new InMemoryTicketStore(); // keeps free text in clear: the report must drop an erased ticket's text itself
        var service = new TicketService(store, store, clock);
        var erasedCustomer = await RegisterAsync(service, "C-1", "screen flickering; screen flickering at night", "the screen flickering again");
        var kept = await RegisterAsync(service, "C-2", "battery swelling, battery swelling", "battery fine now");
        var access = new ReportTextAccess
        {
            Guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy(ReportDataTextAccess.AnalystRole), store, clock),
            Reader = new Viewer("quality-report", new HashSet<string> { ReportDataTextAccess.AnalystRole }),
            Purpose = "keyword statistics 2024-03",
        };
        var options = new QualityReportOptions { Culture = English, TimeZone = DateTimeZone.Utc, TextAccess = access };

        var before = await QualityReportBuilder.BuildAsync(store, ReportData.Policies, [], clock.GetCurrentInstant(), options);
        var beforeJson = JsonReportRenderer.Render(before);
        Assert.Equal(3, Count(before, "screen"));
        Assert.Equal(3, Count(before, "flickering"));
        Assert.Equal(3, Count(before, "battery"));
        Assert.Contains(before.Revisits, r => r.Suggestions == "the screen flickering again");

        clock.AdvanceMinutes(10);
        Assert.Equal([erasedCustomer], await service.EraseCustomerAsync("C-1", "dpo", "PIPL-47 request 3"));
        var after = await QualityReportBuilder.BuildAsync(store, ReportData.Policies, [], clock.GetCurrentInstant(), options);

        Assert.Equal(0, Count(after, "screen"));
        Assert.Equal(0, Count(after, "flickering"));
        Assert.Equal(3, Count(after, "battery"));
        Assert.DoesNotContain(after.Revisits, r => r.Suggestions?.Contains("flickering", StringComparison.Ordinal) == true);
        Assert.Equal(before.Tickets, after.Tickets); // KPIs keep the erased ticket
        // The erased ticket's text was not read again: the second report's records name the kept ticket only.
        var second = (await store.ListAccessesAsync()).Where(r => r.AccessId == after.FreeText!.AccessId).Select(r => r.TicketId!.Value).ToArray();
        Assert.Equal([kept], second);
        var first = (await store.ListAccessesAsync()).Where(r => r.AccessId == before.FreeText!.AccessId).Select(r => r.TicketId!.Value).ToHashSet();
        Assert.True(first.SetEquals([erasedCustomer, kept]));

        // Counts a report already aggregated stay as they were.
        Assert.Equal(3, Count(before, "screen"));
        Assert.Equal(beforeJson, JsonReportRenderer.Render(before));
    }

    [Fact]
    public async Task Text_access_is_validated_with_the_options()
    {
        var store = new InMemoryTicketStore();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => QualityReportBuilder.BuildAsync(store, ReportData.Policies, [], Instant.FromUtc(2024, 4, 1, 0, 0),
            new QualityReportOptions { TextAccess = new ReportTextAccess { Guard = null!, Reader = new Viewer(" ", new HashSet<string>()), Purpose = "" } }));
        Assert.Equal(["TextAccess.Guard", "TextAccess.Reader", "TextAccess.Purpose"], error.Errors.Select(e => e.Field));
    }

    private static int Count(QualityReport report, string keyword) => report.Keywords.FirstOrDefault(k => k.Keyword == keyword)?.Count ?? 0;

    private static async Task<TicketId> RegisterAsync(TicketService service, string customerNumber, string description, string suggestion)
    {
        var id = TicketId.New();
        async Task Run(TicketCommand command) => await service.ExecuteAsync(command);
        await Run(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li",
            Intake = new TicketIntake
            {
                CustomerName = "Zhao Liu", Contact = "13700001111", CustomerNumber = customerNumber, ProductModel = "Phone Pro", Channel = ServiceChannel.Phone,
                ReceivedAt = Instant.FromUtc(2024, 3, 1, 1, 0), Description = description, Owner = "agent-li",
            },
        });
        await Run(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment() });
        await Run(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "tech-zhao" });
        await Run(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao" });
        await Run(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Solution = "replaced" });
        await Run(new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit", Method = RevisitMethod.Phone, Resolved = true, Score = 5, Suggestions = suggestion });
        return id;
    }
}
