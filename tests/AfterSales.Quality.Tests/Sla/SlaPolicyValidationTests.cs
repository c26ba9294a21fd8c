using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>A policy set is validated once, before any clock runs on it, and every error names its path.</summary>
public sealed class SlaPolicyValidationTests
{
    private static SlaPolicySet WithTarget(int policy, int target, Duration duration) => SlaPolicySet.Default with
    {
        Policies = [.. SlaPolicySet.Default.Policies.Select((p, i) => i != policy ? p : p with { Targets = [.. p.Targets.Select((t, j) => j != target ? t : t with { Duration = duration })] })],
    };

    [Fact]
    public void A_zero_duration_target_is_refused_with_its_path()
    {
        var error = Assert.Throws<QualityValidationException>(WithTarget(1, 0, Duration.Zero).Validate);
        Assert.Equal("SlaPolicySet.Policies[1].Targets[0].Duration", Assert.Single(error.Errors).Field);
        Assert.Contains("must be positive; it was 0:00:00:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_validates_the_set_it_is_given_and_names_the_policy_and_target()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var history = (await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray();
        foreach (var bad in new[] { Duration.Zero, -Duration.FromHours(3) })
        {
            var error = Assert.Throws<QualityValidationException>(() => SlaClock.Evaluate(history, WithTarget(2, 1, bad), host.Clock.GetCurrentInstant()));
            Assert.Equal("SlaPolicySet.Policies[2].Targets[1].Duration", Assert.Single(error.Errors).Field);
        }

        var missingCalendar = SlaPolicySet.Default with
        {
            Policies = [.. SlaPolicySet.Default.Policies.Select((p, i) => i != 0 ? p : p with { Targets = [.. p.Targets.Select(t => t with { Calendar = "night" })] })],
        };
        var calendarError = Assert.Throws<QualityValidationException>(() => SlaClock.Evaluate(history, missingCalendar, host.Clock.GetCurrentInstant()));
        Assert.Equal("SlaPolicySet.Policies[0].Targets[0].Calendar", Assert.Single(calendarError.Errors).Field);

        // A valid set is evaluated, and evaluating it again is not re-validated into a different answer.
        Assert.Equal(SlaClock.Evaluate(history, SlaPolicySet.Default, host.Clock.GetCurrentInstant()).Targets, SlaClock.Evaluate(history, SlaPolicySet.Default, host.Clock.GetCurrentInstant()).Targets);
    }
}
