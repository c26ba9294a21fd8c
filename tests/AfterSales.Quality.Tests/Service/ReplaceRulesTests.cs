using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Tests.Service;

public sealed class ReplaceRulesTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    private static async Task<Ticket> TriageAsync(TicketService service, string category)
    {
        var id = TicketId.New();
        var registered = await service.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = Now, Description = "d", Owner = "a" } });
        Assert.StartsWith("F2024", registered.Ticket.FeedbackNumber, StringComparison.Ordinal);
        return (await service.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = new TicketCategory(category), Assessment = new PriorityAssessment() })).Ticket;
    }

    [Fact]
    public async Task Replaced_rules_decide_the_next_command_the_numbering_stays_and_invalid_rules_are_refused_whole()
    {
        var store = new InMemoryTicketStore();
        var service = new TicketService(store, store, new FakeClock(Now));
        Assert.Equal(Priority.P3, (await TriageAsync(service, "billing")).Priority!.Value);

        var rules = new TicketServiceOptions
        {
            PriorityRules = new PriorityRuleTable { Rules = [new PriorityRule { Name = "billing", Priority = Priority.P0, Categories = [new TicketCategory("billing")] }] },
            Numbering = new DocumentNumberingOptions { Feedback = new DocumentNumberFormat { Prefix = "X" } }, // not read
        };
        service.ReplaceRules(rules);
        rules.PriorityRules = PriorityRuleTable.Default; // copied: a later change of the instance does not apply
        Assert.Equal(Priority.P0, (await TriageAsync(service, "billing")).Priority!.Value);
        Assert.Equal("F", service.Options.Numbering.Feedback.Prefix);

        var invalid = new TicketServiceOptions { PriorityRules = new PriorityRuleTable { Rules = [new PriorityRule { Name = "" }] } };
        var refused = Assert.Throws<QualityValidationException>(() => service.ReplaceRules(invalid));
        Assert.Contains("PriorityRules", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Priority.P0, (await TriageAsync(service, "billing")).Priority!.Value);
        Assert.Equal("rules", Assert.Throws<ArgumentNullException>(() => service.ReplaceRules(null!)).ParamName);
    }
}
