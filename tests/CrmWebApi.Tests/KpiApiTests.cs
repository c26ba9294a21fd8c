using System.Net;
using System.Text.Json.Nodes;
using static CrmWebApi.Tests.CrmApiHost;
using static CrmWebApi.Tests.TicketApiTests;

namespace CrmWebApi.Tests;

public sealed class KpiApiTests
{
    [Fact]
    public async Task Kpi_counts_and_the_measurement_table_match_what_was_driven()
    {
        await using var host = await StartAsync();

        // 1: phone, P1 product fault → technical support, through to closed, CSAT 5.
        var first = await host.RegisterAsync("phone", "Phone Pro");
        await Step(host, $"/tickets/{first}/triage", new { category = "product-fault", assessment = new { severity = "CoreFunction" } }, "Triaged");
        await Step(host, $"/tickets/{first}/assign", new { assignee = "agent-wang" }, "Assigned");
        await Step(host, $"/tickets/{first}/start", null, "InProgress");
        await Step(host, $"/tickets/{first}/respond", new { summary = "on it" }, "InProgress");
        await Step(host, $"/tickets/{first}/resolve", new { solution = "replaced" }, "Resolved");
        await Step(host, $"/tickets/{first}/revisit", new { method = "Phone", resolved = true, score = 5 }, "Revisited");
        await Step(host, $"/tickets/{first}/close", null, "Closed");
        await Step(host, $"/tickets/{first}/survey", new { satisfaction = 5 }, "Closed");

        // 2: online chat, service experience → service supervisor, resolved, CSAT 3.
        var second = await host.RegisterAsync("online-chat", "Air conditioner");
        await Step(host, $"/tickets/{second}/triage", new { category = "service-experience" }, "Triaged");
        await Step(host, $"/tickets/{second}/assign", new { assignee = "agent-zhao" }, "Assigned");
        await Step(host, $"/tickets/{second}/start", null, "InProgress");
        await Step(host, $"/tickets/{second}/resolve", new { solution = "installer retrained" }, "Resolved");
        await Step(host, $"/tickets/{second}/survey", new { satisfaction = 3 }, "Resolved");

        // 3: phone, suggestion → product manager, not resolved.
        var third = await host.RegisterAsync("phone", "Phone Pro");
        await Step(host, $"/tickets/{third}/triage", new { category = "suggestion" }, "Triaged");

        var now = DateTimeOffset.UtcNow;
        var window = $"from={now.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}&to={now.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}";

        // Overall: 3 tickets, 2 resolved → resolution rate 2/3; CSAT (5 + 3) / 2 = 4, satisfied share 1/2.
        using var overallResponse = await host.Client.GetAsync($"/kpi?{window}");
        Assert.Equal(HttpStatusCode.OK, overallResponse.StatusCode);
        var overall = (await Json(overallResponse))["groups"]!.AsArray().Single()!;
        Assert.Equal(3, overall["counts"]!["tickets"]!.GetValue<int>());
        Assert.Equal(2, overall["counts"]!["resolved"]!.GetValue<int>());
        Assert.Equal(1, overall["counts"]!["responded"]!.GetValue<int>());
        Assert.Equal(2.0 / 3, overall["values"]!["resolutionRate"]!.GetValue<double>(), 9);
        Assert.Equal(4.0, overall["values"]!["csatMean"]!.GetValue<double>(), 9);
        Assert.Equal(0.5, overall["values"]!["csatSatisfiedShare"]!.GetValue<double>(), 9);
        Assert.Equal(0.0, overall["values"]!["complaintRate"]!.GetValue<double>(), 9);
        Assert.Empty(overall["key"]!.AsObject());

        // By team and channel per month: dimension codes decoded to names.
        using var groupedResponse = await host.Client.GetAsync($"/kpi?groupBy=team,channel&period=month&{window}");
        var grouped = await Json(groupedResponse);
        Assert.Equal(["team", "channel"], grouped["query"]!["groupBy"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal("Asia/Shanghai", grouped["query"]!["timeZone"]!.GetValue<string>());
        var groups = grouped["groups"]!.AsArray()
            .ToDictionary(g => (g!["key"]!["team"]!.GetValue<string>(), g["key"]!["channel"]!.GetValue<string>()), g => g!);
        Assert.Equal(3, groups.Count);
        Assert.All(groups.Values, g => Assert.EndsWith("-01", g["key"]!["periodStart"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal((1, 1), Counts(groups[("technical-support", "phone")]));
        Assert.Equal((1, 1), Counts(groups[("service-supervisor", "online-chat")]));
        Assert.Equal((1, 0), Counts(groups[("product-manager", "phone")]));
        Assert.Equal(1.0, groups[("technical-support", "phone")]["values"]!["resolutionRate"]!.GetValue<double>(), 9);

        // A window with none of the tickets has no group.
        using var emptyResponse = await host.Client.GetAsync("/kpi?groupBy=team&period=month&from=2019-01-01&to=2020-01-01");
        Assert.Empty((await Json(emptyResponse))["groups"]!.AsArray());

        // The measurement table: targets from appsettings.json, actuals from the same facts.
        using var tableResponse = await host.Client.GetAsync($"/kpi/measurement-table?{window}");
        Assert.Equal(HttpStatusCode.OK, tableResponse.StatusCode);
        var table = await Json(tableResponse);
        Assert.Equal(3, table["tickets"]!.GetValue<int>());
        var rows = table["rows"]!.AsArray().ToDictionary(r => r!["metric"]!.GetValue<string>(), r => r!);
        Assert.Equal(9, rows.Count);
        Assert.Equal(0.95, rows["ResolutionRate"]["target"]!.GetValue<double>(), 9);
        Assert.Equal(2.0 / 3, rows["ResolutionRate"]["actual"]!.GetValue<double>(), 9);
        Assert.False(rows["ResolutionRate"]["met"]!.GetValue<bool>());
        Assert.Equal("resolved tickets / tickets × 100 %", rows["ResolutionRate"]["formula"]!.GetValue<string>());
        Assert.False(rows["CsatSatisfiedShare"]["met"]!.GetValue<bool>());
        Assert.True(rows["ComplaintRate"]["met"]!.GetValue<bool>());
        Assert.Equal("AtMost", rows["FirstResponseTime"]["direction"]!.GetValue<string>());
        Assert.Equal("seconds", rows["FirstResponseTime"]["unit"]!.GetValue<string>());

        // New work is seen by the next query (the projection is refreshed before each one).
        await Step(host, $"/tickets/{third}/assign", new { assignee = "agent-wang" }, "Assigned");
        await Step(host, $"/tickets/{third}/start", null, "InProgress");
        await Step(host, $"/tickets/{third}/resolve", new { solution = "added to the roadmap" }, "Resolved");
        using var laterResponse = await host.Client.GetAsync("/kpi");
        var later = (await Json(laterResponse))["groups"]!.AsArray().Single()!;
        Assert.Equal(3, later["counts"]!["resolved"]!.GetValue<int>());
        Assert.Equal(1.0, later["values"]!["resolutionRate"]!.GetValue<double>(), 9);
    }

    private static (int Tickets, int Resolved) Counts(JsonNode group) =>
        (group["counts"]!["tickets"]!.GetValue<int>(), group["counts"]!["resolved"]!.GetValue<int>());
}
