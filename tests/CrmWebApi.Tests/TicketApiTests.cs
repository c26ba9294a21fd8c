using System.Net;
using System.Text.Json.Nodes;
using static CrmWebApi.Tests.CrmApiHost;

namespace CrmWebApi.Tests;

public sealed class TicketApiTests
{
    [Fact]
    public async Task A_ticket_goes_through_the_whole_closed_loop_over_http()
    {
        await using var host = await StartAsync();

        // Register: 201, Location, id and feedback number; the owner registering sees the customer's data, anyone else masked only.
        using var registered = await host.PostAsync("/tickets", new
        {
            customerName = "Zhang San", contact = "13812345678", productModel = "Phone Pro", channel = "phone",
            purchaseOrServiceDate = "2024-02-15", description = "Charging for 1 h only reaches 20 %", alreadyTried = "restarted, changed charger",
            serviceTicketNumber = "CS20240301001",
        }, actor: "agent-li");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var raw = await registered.Content.ReadAsStringAsync();
        var ticket = JsonNode.Parse(raw)!;
        Assert.Equal(("Allowed", "Zhang San", "13812345678"), (ticket["personalData"]!.GetValue<string>(), ticket["customer"]!["name"]!.GetValue<string>(), ticket["customer"]!["contact"]!.GetValue<string>()));
        var id = ticket["id"]!.GetValue<string>();
        Assert.Equal($"/tickets/{id}", registered.Headers.Location!.OriginalString);
        Assert.Matches(@"^F\d{8}\d{3}$", ticket["feedbackNumber"]!.GetValue<string>());
        Assert.Equal("Registered", ticket["state"]!.GetValue<string>());
        Assert.Equal("agent-li", ticket["owner"]!.GetValue<string>());

        using var fetched = await host.Client.GetAsync($"/tickets/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        var fetchedRaw = await fetched.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Zhang San", fetchedRaw, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", fetchedRaw, StringComparison.Ordinal);
        Assert.Equal("Zhang*", JsonNode.Parse(fetchedRaw)!["customer"]!["name"]!.GetValue<string>());
        Assert.Equal("138****5678", JsonNode.Parse(fetchedRaw)!["customer"]!["contact"]!.GetValue<string>());
        Assert.Equal(ticket["feedbackNumber"]!.GetValue<string>(), JsonNode.Parse(fetchedRaw)!["feedbackNumber"]!.GetValue<string>());

        // Triage: P1 product fault → technical support; the SLA clocks start running.
        var triaged = await Step(host, $"/tickets/{id}/triage", new { category = "product-fault", assessment = new { severity = "CoreFunction", urgency = "UseBlocked" } }, "Triaged");
        Assert.Equal("P1", triaged["priority"]!.GetValue<string>());
        Assert.Equal("technical-support", triaged["route"]!["department"]!.GetValue<string>());
        var firstResponse = Sla(triaged, "FirstResponse");
        Assert.Equal("Running", firstResponse["state"]!.GetValue<string>());
        Assert.Equal("48:00:00", firstResponse["target"]!.GetValue<string>());
        Assert.False(firstResponse["breached"]!.GetValue<bool>());

        var assigned = await Step(host, $"/tickets/{id}/assign", new { assignee = "agent-wang" }, "Assigned");
        Assert.Equal("agent-wang", assigned["assignee"]!.GetValue<string>());
        await Step(host, $"/tickets/{id}/start", null, "InProgress");

        var responded = await Step(host, $"/tickets/{id}/respond", new { summary = "asked for the battery batch" }, "InProgress");
        Assert.NotNull(responded["firstResponseAt"]!.GetValue<string>());
        Assert.Equal("Met", Sla(responded, "FirstResponse")["state"]!.GetValue<string>());

        var resolved = await Step(host, $"/tickets/{id}/resolve", new { solution = "battery replaced free of charge" }, "Resolved");
        Assert.Equal("battery replaced free of charge", resolved["solution"]!.GetValue<string>());
        Assert.Equal("Running", Sla(resolved, "RevisitAfterResolution", cycle: 1)["state"]!.GetValue<string>());

        var revisited = await Step(host, $"/tickets/{id}/revisit", new { method = "Phone", resolved = true, score = 5 }, "Revisited");
        Assert.Equal("Satisfied", revisited["lastRevisitOutcome"]!.GetValue<string>());
        Assert.Matches(@"^HV\d{11}$", revisited["lastRevisitNumber"]!.GetValue<string>());

        var closed = await Step(host, $"/tickets/{id}/close", null, "Closed");
        Assert.NotNull(closed["closedAt"]!.GetValue<string>());

        var surveyed = await Step(host, $"/tickets/{id}/survey", new { satisfaction = 5, responseSpeed = 4, likelihoodToRecommend = 9, effortScore = 2, suggestion = "faster pickup" }, "Closed");
        Assert.Equal(5, surveyed["lastSurvey"]!["satisfaction"]!.GetValue<int>());
        Assert.True(surveyed["lastSurvey"]!["isPromoter"]!.GetValue<bool>());

        // The audit trail: one event per command, in order, with the actor.
        using var history = await host.Client.GetAsync($"/tickets/{id}/history");
        var events = (await Json(history)).AsArray().Select(e => e!["event"]!.GetValue<string>()).ToArray();
        Assert.Equal(
            ["TicketRegistered", "TicketTriaged", "TicketAssigned", "WorkStarted", "ResponseRecorded", "TicketResolved", "RevisitRecorded", "TicketClosed", "SurveyAnswered"],
            events);

        // Personal data is encrypted at rest: the plain name and number are in no database file.
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(host.DatabasePath)!, "crm.db*"))
        {
            var text = System.Text.Encoding.UTF8.GetString(await ReadSharedAsync(file));
            Assert.DoesNotContain("Zhang San", text, StringComparison.Ordinal);
            Assert.DoesNotContain("13812345678", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_retried_post_with_the_same_idempotency_key_appends_nothing_twice()
    {
        await using var host = await StartAsync();
        var intake = new { customerName = "Wang Wu", contact = "wang@example.com", productModel = "Air conditioner", channel = "email", description = "installer left no briefing" };

        using var first = await host.PostAsync("/tickets", intake, idempotencyKey: "crm-case-4711");
        using var retry = await host.PostAsync("/tickets", intake, idempotencyKey: "crm-case-4711");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var (a, b) = (await Json(first), await Json(retry));
        var id = a["id"]!.GetValue<string>();
        Assert.Equal(id, b["id"]!.GetValue<string>());
        Assert.Equal(a["feedbackNumber"]!.GetValue<string>(), b["feedbackNumber"]!.GetValue<string>());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);

        var key = Guid.NewGuid().ToString();
        var triage = new { category = "service-experience" };
        using var triaged = await host.PostAsync($"/tickets/{id}/triage", triage, idempotencyKey: key);
        using var triagedAgain = await host.PostAsync($"/tickets/{id}/triage", triage, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, triaged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, triagedAgain.StatusCode);
        Assert.Equal("true", triagedAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(2, (await Json(triagedAgain))["version"]!.GetValue<int>());

        // The same key on another command is not a retry: 422, and the assignment is not taken for done.
        using var reused = await host.PostAsync($"/tickets/{id}/assign", new { assignee = "agent-zhou" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains("different command", (await Json(reused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var history = await host.Client.GetAsync($"/tickets/{id}/history");
        var events = (await Json(history)).AsArray();
        Assert.Equal(["TicketRegistered", "TicketTriaged"], events.Select(e => e!["event"]!.GetValue<string>()));
        Assert.Equal(key, events[1]!["commandId"]!.GetValue<string>()); // a GUID key is the command id itself

        using var kpi = await host.Client.GetAsync("/kpi");
        Assert.Equal(1, (await Json(kpi))["groups"]![0]!["counts"]!["tickets"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_input_is_a_400_problem_naming_each_field()
    {
        await using var host = await StartAsync();

        using var missing = await host.PostAsync("/tickets", new { contact = "not a phone", receivedAt = "2999-01-01T00:00:00Z" });
        var problem = await Problem(missing, HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["customerName", "contact", "productModel", "receivedAt", "description"], errors.Select(e => e.Key));
        Assert.Contains("is required", errors["customerName"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("not a phone", problem.ToJsonString(), StringComparison.Ordinal); // the value is personal data

        using var malformed = await host.PostAsync("/tickets", """{"customerName":"Li","receivedAt":"yesterday"}""");
        Assert.True((await Problem(malformed, HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("receivedAt"));

        using var badChannel = await host.PostAsync("/tickets", new { customerName = "Li", contact = "13900001111", productModel = "X", description = "d", channel = "fax machine!" });
        Assert.True((await Problem(badChannel, HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("channel"));

        var id = await host.RegisterAsync();
        using var badSeverity = await host.PostAsync($"/tickets/{id}/triage", new { category = "product-fault", assessment = new { severity = "Apocalyptic" } });
        Assert.True((await Problem(badSeverity, HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("assessment.severity"));

        using var noCategory = await host.PostAsync($"/tickets/{id}/triage", new { });
        Assert.True((await Problem(noCategory, HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("category"));

        using var badSurvey = await host.PostAsync($"/tickets/{id}/survey", new { satisfaction = 9, effortScore = 0 });
        var surveyErrors = (await Problem(badSurvey, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.Equal(["satisfaction", "effortScore"], surveyErrors.Select(e => e.Key));

        using var noSolution = await host.PostAsync($"/tickets/{id}/resolve");
        Assert.True((await Problem(noSolution, HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("solution"));

        using var badKpi = await host.Client.GetAsync("/kpi?groupBy=team,planet&period=fortnight&from=soon&timeZone=Mars/Base");
        var kpiErrors = (await Problem(badKpi, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.Equal(["groupBy", "period", "timeZone", "from"], kpiErrors.Select(e => e.Key));

        using var notJson = await host.PostAsync($"/tickets/{id}/assign", "{ this is not json");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        // Nothing was recorded by any refused command.
        using var after = await host.Client.GetAsync($"/tickets/{id}");
        Assert.Equal(1, (await Json(after))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_illegal_transition_is_refused_with_the_reason_and_a_broken_rule_with_its_name()
    {
        await using var host = await StartAsync();
        var id = await host.RegisterAsync();

        using var closeTooEarly = await host.PostAsync($"/tickets/{id}/close");
        var conflict = await Problem(closeTooEarly, HttpStatusCode.Conflict);
        Assert.Equal("Registered", conflict["state"]!.GetValue<string>());
        Assert.Equal("CloseTicket", conflict["command"]!.GetValue<string>());
        Assert.Contains("Triage", conflict["permitted"]!.AsArray().Select(p => p!.GetValue<string>()));

        await Step(host, $"/tickets/{id}/triage", new { category = "product-fault", assessment = new { severity = "SecondaryFunction" } }, "Triaged");
        await Step(host, $"/tickets/{id}/assign", new { assignee = "agent-wang" }, "Assigned");
        await Step(host, $"/tickets/{id}/start", null, "InProgress");
        await Step(host, $"/tickets/{id}/resolve", new { solution = "firmware update" }, "Resolved");

        // The guides: no close before the revisit.
        using var closeBeforeRevisit = await host.PostAsync($"/tickets/{id}/close");
        var refused = await Problem(closeBeforeRevisit, HttpStatusCode.Conflict);
        Assert.Contains("cannot be closed before its revisit", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // A rule of the guides: "unreachable" only after the allowed failed attempts.
        using var unreachable = await host.PostAsync($"/tickets/{id}/revisit", new { method = "Phone", unreachable = true });
        var rule = await Problem(unreachable, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("revisit-attempts", rule["rule"]!.GetValue<string>());

        using var ticket = await host.Client.GetAsync($"/tickets/{id}");
        Assert.Equal("Resolved", (await Json(ticket))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_ticket_is_404()
    {
        await using var host = await StartAsync();
        var unknown = Guid.NewGuid();

        using var get = await host.Client.GetAsync($"/tickets/{unknown}");
        Assert.Contains(unknown.ToString(), (await Problem(get, HttpStatusCode.NotFound))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        using var history = await host.Client.GetAsync($"/tickets/{unknown}/history");
        Assert.Equal(HttpStatusCode.NotFound, history.StatusCode);
        using var triage = await host.PostAsync($"/tickets/{unknown}/triage", new { category = "complaint" });
        await Problem(triage, HttpStatusCode.NotFound);
        using var notAnId = await host.Client.GetAsync("/tickets/F20240301001");
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
    }

    [Fact]
    public async Task Concurrent_writers_get_200_or_409_and_every_200_is_recorded_once()
    {
        await using var host = await StartAsync();
        var id = await host.RegisterAsync();
        await Step(host, $"/tickets/{id}/triage", new { category = "suggestion" }, "Triaged");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => host.PostAsync($"/tickets/{id}/respond", new { summary = $"reply {i}" })));
        var statuses = responses.Select(r => r.StatusCode).ToArray();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {s}"));
        using var history = await host.Client.GetAsync($"/tickets/{id}/history");
        var replies = (await Json(history)).AsArray().Count(e => e!["event"]!.GetValue<string>() == "ResponseRecorded");
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), replies);
    }

    internal static async Task<JsonNode> Step(CrmApiHost host, string path, object? body, string expectedState)
    {
        using var response = await host.PostAsync(path, body, idempotencyKey: Guid.NewGuid().ToString(), actor: "agent-wang");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        var ticket = JsonNode.Parse(text)!;
        Assert.Equal(expectedState, ticket["state"]!.GetValue<string>());
        return ticket;
    }

    private static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        return problem;
    }

    private static JsonNode Sla(JsonNode ticket, string kind, int cycle = 0) =>
        ticket["sla"]!.AsArray().Single(s => s!["kind"]!.GetValue<string>() == kind && s["cycle"]!.GetValue<int>() == cycle)!;

    private static async Task<byte[]> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
