using System.Text.Json;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Storage;

namespace AfterSales.Quality.Storage.Specification.Tests;

public sealed class ImprovementPlanSerializerTests
{
    private readonly ImprovementPlanSerializer serializer = new();

    [Fact]
    public void A_full_plan_round_trips_exactly_without_computed_properties()
    {
        var plan = ImprovementPlanStoreSpecification<InMemoryImprovementPlanStore>.FullPlan(ImprovementPlanId.New());
        var json = serializer.Serialize(plan);
        ImprovementPlanStoreSpecification<InMemoryImprovementPlanStore>.AssertSamePlan(plan, serializer.Deserialize(json));
        Assert.Contains("\"2024-03-01T02:30:00.123456789Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Done\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("doneOnTime", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("reviewApproved", json, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"unmetKpi\":\"FirstContactResolution\"", json, StringComparison.Ordinal);
        Assert.Equal(json, serializer.Serialize(serializer.Deserialize(json)));
    }

    [Fact]
    public void A_plan_stored_before_tasks_reviews_and_template_3_fields_existed_still_loads()
    {
        var old = """
            {"id":"6f2a4c1e-0d3b-4b8e-9f51-2c7d8e9a0b1c","number":"IMP20240301001","version":3,"title":"Battery","rootCause":"batch","target":"no complaints",
             "measures":[{"kind":"Technical","description":"stop selling"}],"department":"technical-support","owner":"lead",
             "linkedFeedback":[{"ticketId":"0b9f6a57-6f1d-4c55-9a43-3b0e2e6f4c11","feedbackNumber":"F20240301001"}],
             "plannedStart":"2024-03-02","originalPlannedFinish":"2024-03-10","plannedFinish":"2024-03-12","recordedStatus":"InProgress",
             "tasks":[{"number":1,"description":"recall","executor":"wu","plannedStart":"2024-03-02","plannedFinish":"2024-03-04","completedOn":"2024-03-04"},
                      {"number":2,"description":"replace","executor":"zhao","plannedStart":"2024-03-04","plannedFinish":"2024-03-08"}],
             "delayRequests":[{"number":1,"reason":"late parts","newPlannedFinish":"2024-03-12","requestedBy":"lead","requestedAt":"2024-03-07T02:00:00Z","decision":"Approved","decidedBy":"after-sales-lead","decidedAt":"2024-03-07T03:00:00Z"}],
             "history":[{"at":"2024-03-01T02:30:00Z","actor":"qm","change":"created"}]}
            """;
        var plan = serializer.Deserialize(old);
        Assert.Equal((null, false, 0, 0), (plan.UnmetKpi, plan.RequiresReview, plan.Reviews.Count, plan.CooperatingDepartments.Count));
        Assert.Equal((null, null, null, null), (plan.ExpectedEffect, plan.Resources, plan.VerificationMethod, plan.Remarks));
        Assert.Null(plan.DelayRequests.Single().TaskNumber); // an old request moved the plan
        Assert.Equal(ImprovementPlanStatus.Delayed, plan.StatusOn(new NodaTime.LocalDate(2024, 3, 9)));
        Assert.Equal([ImprovementPlanStatus.Done, ImprovementPlanStatus.NotStarted], plan.Tasks.Select(t => t.StatusOn(new NodaTime.LocalDate(2024, 3, 3))));
        Assert.Equal(ImprovementPlanStatus.Delayed, plan.Tasks[1].StatusOn(new NodaTime.LocalDate(2024, 3, 9)));
        ImprovementPlanStoreSpecification<InMemoryImprovementPlanStore>.AssertSamePlan(plan, serializer.Deserialize(serializer.Serialize(plan)));
    }

    [Fact]
    public void Text_that_is_not_a_plan_is_refused()
    {
        Assert.Throws<JsonException>(() => serializer.Deserialize("{\"title\":\"no id, no version\"}"));
        Assert.Throws<JsonException>(() => serializer.Deserialize("null"));
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => serializer.Deserialize(null!)).ParamName);
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => serializer.Serialize(null!)).ParamName);
    }
}
