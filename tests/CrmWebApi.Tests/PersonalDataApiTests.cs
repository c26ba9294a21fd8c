using System.Net;
using System.Text.Json.Nodes;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using static CrmWebApi.Tests.CrmApiHost;

namespace CrmWebApi.Tests;

/// <summary>Every answer that carries personal data or free text goes through the guard: shown to the people working the ticket, masked for anyone else, each read audited.</summary>
public sealed class PersonalDataApiTests
{
    private const string DescriptionPhone = "13700009999";
    private const string SolutionPhone = "13600008888";
    private const string SurveyPhone = "13500007777";

    [Fact]
    public async Task A_phone_number_typed_into_free_text_reaches_only_the_viewers_the_policy_allows_and_every_read_is_audited()
    {
        await using var host = await StartAsync();
        using var registered = await host.PostAsync("/tickets", new
        {
            customerName = "Zhang San", contact = "13812345678", productModel = "Phone Pro",
            description = $"battery drains overnight, call me back on {DescriptionPhone}",
        }, actor: "agent-li");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await Json(registered))["id"]!.GetValue<string>();
        await TicketApiTests.Step(host, $"/tickets/{id}/triage", new { category = "product-fault" }, "Triaged");
        await TicketApiTests.Step(host, $"/tickets/{id}/assign", new { assignee = "agent-wang" }, "Assigned");
        await TicketApiTests.Step(host, $"/tickets/{id}/start", null, "InProgress");
        await TicketApiTests.Step(host, $"/tickets/{id}/resolve", new { solution = $"replaced the battery; the customer asked to be called on {SolutionPhone}" }, "Resolved");
        await TicketApiTests.Step(host, $"/tickets/{id}/revisit", new { method = "Phone", resolved = true, score = 5 }, "Revisited");
        await TicketApiTests.Step(host, $"/tickets/{id}/close", null, "Closed");
        await TicketApiTests.Step(host, $"/tickets/{id}/survey", new { satisfaction = 5, suggestion = $"text me on {SurveyPhone} next time" }, "Closed");
        var audit = host.Services.GetRequiredService<IPersonalDataAccessAudit>();
        var before = (await audit.ListAccessesAsync(new TicketId(Guid.Parse(id)))).Count;
        Assert.Equal(8, before); // the registration's answer and each command's

        // A colleague not working the ticket (the default actor among them): name and contact masked, every free text withheld.
        foreach (var (actor, roles) in new (string?, string?)[] { ("agent-zhou", null), (null, null), ("agent-zhou", "intern") })
        {
            using var denied = await host.GetAsync($"/tickets/{id}", actor, roles);
            Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
            var body = await denied.Content.ReadAsStringAsync();
            foreach (var secret in new[] { DescriptionPhone, SolutionPhone, SurveyPhone, "13812345678", "Zhang San", "battery drains" })
            {
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }

            var view = JsonNode.Parse(body)!;
            Assert.Equal("Denied", view["personalData"]!.GetValue<string>());
            Assert.Equal(("[withheld]", "[withheld]", "[withheld]"), (view["description"]!.GetValue<string>(), view["solution"]!.GetValue<string>(), view["lastSurvey"]!["suggestion"]!.GetValue<string>()));
            Assert.Equal(5, view["lastSurvey"]!["satisfaction"]!.GetValue<int>()); // scores are no personal data
        }

        // The people working the ticket and the after-sales lead see it all.
        foreach (var (actor, roles) in new (string?, string?)[] { ("agent-li", null), ("agent-wang", null), ("lead-sun", "after-sales-lead") })
        {
            using var allowed = await host.GetAsync($"/tickets/{id}", actor, roles);
            var body = await allowed.Content.ReadAsStringAsync();
            Assert.Contains(DescriptionPhone, body, StringComparison.Ordinal);
            Assert.Contains(SolutionPhone, body, StringComparison.Ordinal);
            Assert.Contains(SurveyPhone, body, StringComparison.Ordinal);
            Assert.Equal("Allowed", JsonNode.Parse(body)!["personalData"]!.GetValue<string>());
        }

        // One audit record per read, with the viewer, the purpose and the decision, in order.
        var reads = (await audit.ListAccessesAsync(new TicketId(Guid.Parse(id)))).Skip(before).ToArray();
        Assert.Equal(
            [("agent-zhou", PersonalDataAccessDecision.Denied), ("crm-api", PersonalDataAccessDecision.Denied), ("agent-zhou", PersonalDataAccessDecision.Denied),
             ("agent-li", PersonalDataAccessDecision.Allowed), ("agent-wang", PersonalDataAccessDecision.Allowed), ("lead-sun", PersonalDataAccessDecision.Allowed)],
            reads.Select(r => (r.Actor, r.Decision)));
        Assert.All(reads, r => Assert.Equal((PersonalDataAccessKind.View, "crm api: ticket view"), (r.Kind, r.Purpose)));
    }

    [Fact]
    public async Task A_data_protection_officer_erases_the_customer_of_a_ticket_and_every_ticket_of_that_customer()
    {
        await using var host = await StartAsync();
        async Task<string> Register(string customerNumber)
        {
            using var response = await host.PostAsync("/tickets", new
            {
                customerName = "Zhang San", contact = "13812345678", productModel = "Phone Pro", customerNumber,
                description = $"call me back on {DescriptionPhone}",
            }, actor: "agent-li");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await Json(response))["id"]!.GetValue<string>();
        }

        var first = await Register("C10086");
        var second = await Register("C10086");
        var other = await Register("C20000");

        using var refused = await host.PostAsViewerAsync($"/tickets/{second}/erase-customer", new { reason = "PIPL-47 request 9" }, "agent-li", "after-sales-lead");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var noReason = await host.PostAsViewerAsync($"/tickets/{second}/erase-customer", new { }, "dpo-qian", "data-protection-officer");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using var unknown = await host.PostAsViewerAsync($"/tickets/{Guid.NewGuid()}/erase-customer", new { reason = "PIPL-47 request 9" }, "dpo-qian", "data-protection-officer");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var erased = await host.PostAsViewerAsync($"/tickets/{second}/erase-customer", new { reason = "PIPL-47 request 9" }, "dpo-qian", "data-protection-officer");
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal([first, second], (await Json(erased))["erased"]!.AsArray().Select(e => e!.GetValue<string>()));

        foreach (var (ticket, gone) in new[] { (first, true), (second, true), (other, false) })
        {
            using var owner = await host.GetAsync($"/tickets/{ticket}", "agent-li");
            var body = await owner.Content.ReadAsStringAsync();
            Assert.Equal(!gone, body.Contains(DescriptionPhone, StringComparison.Ordinal));
            Assert.Equal(gone ? "[erased]" : "Zhang San", JsonNode.Parse(body)!["customer"]!["name"]!.GetValue<string>());
        }
    }
}
