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
        Assert.Equal(json, serializer.Serialize(serializer.Deserialize(json)));
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
