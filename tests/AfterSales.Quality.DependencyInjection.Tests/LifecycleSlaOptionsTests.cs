using AfterSales.Quality.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>The lifecycle and SLA options of issue 15 bind from configuration and are validated under their keys.</summary>
[Collection("telemetry")]
public sealed class LifecycleSlaOptionsTests
{
    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(configuration.GetSection(AfterSalesQualityOptions.SectionName)).UseInMemory();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_survey_reopen_window_binds_and_reaches_the_ticket_service()
    {
        using var provider = Provider(new() { ["AfterSalesQuality:NegativeFeedback:SurveyReopenWindow"] = "3.00:00:00" });
        Assert.Equal(TimeSpan.FromDays(3), provider.GetRequiredService<TicketService>().Options.NegativeFeedback.SurveyReopenWindow);

        using var defaults = Provider([]);
        Assert.Equal(TimeSpan.FromDays(7), defaults.GetRequiredService<TicketService>().Options.NegativeFeedback.SurveyReopenWindow);
    }

    [Fact]
    public void A_bad_survey_reopen_window_is_named_by_its_key()
    {
        using var provider = Provider(new() { ["AfterSalesQuality:NegativeFeedback:SurveyReopenWindow"] = "-1.00:00:00" });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value);
        Assert.Contains("AfterSalesQuality:NegativeFeedback:SurveyReopenWindow: must be between 00:00:00 (off) and 365.00:00:00; it was -1.00:00:00.", error.Failures);
    }

    [Fact]
    public void The_escalation_warning_lead_time_binds_into_the_registered_policy_set()
    {
        using var provider = Provider(new() { ["AfterSalesQuality:EscalationWarningLeadTime"] = "00:45:00" });
        Assert.Equal(NodaTime.Duration.FromMinutes(45), provider.GetRequiredService<AfterSales.Quality.Sla.SlaPolicySet>().EscalationWarningLeadTime);

        using var defaults = Provider([]);
        Assert.Equal(NodaTime.Duration.FromMinutes(30), defaults.GetRequiredService<AfterSales.Quality.Sla.SlaPolicySet>().EscalationWarningLeadTime);
    }

    [Fact]
    public void A_lead_time_not_shorter_than_the_escalation_target_is_named_by_its_key()
    {
        using var provider = Provider(new() { ["AfterSalesQuality:EscalationWarningLeadTime"] = "02:00:00" });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value);
        Assert.Contains(error.Failures, f => f.StartsWith("AfterSalesQuality:EscalationWarningLeadTime: must be shorter than every escalation target", StringComparison.Ordinal) && f.Contains("SlaPolicies.Policies[1] ('P0')", StringComparison.Ordinal));

        using var zero = Provider(new() { ["AfterSalesQuality:EscalationWarningLeadTime"] = "00:00:00" });
        var zeroError = Assert.Throws<OptionsValidationException>(() => zero.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value);
        Assert.Contains("AfterSalesQuality:EscalationWarningLeadTime: must be positive; it was 0:00:00:00.", zeroError.Failures);
    }
}
