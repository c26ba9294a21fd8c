using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Tests.Prioritization;

public sealed class PriorityRuleTableTests
{
    public static TheoryData<string, ImpactScope, Urgency, Severity, bool, Priority, string> Cases => new()
    {
        { "product-fault", ImpactScope.SingleCustomer, Urgency.UseNotAffected, Severity.SafetyRisk, false, Priority.P0, "safety-risk" },
        { "product-fault", ImpactScope.ManyCustomers, Urgency.UseBlocked, Severity.CoreFunction, false, Priority.P0, "core-function-many-customers" },
        { "product-fault", ImpactScope.SingleCustomer, Urgency.UseBlocked, Severity.CoreFunction, true, Priority.P0, "core-function-key-account" },
        { "product-fault", ImpactScope.SeveralCustomers, Urgency.UseDegraded, Severity.CoreFunction, false, Priority.P1, "core-function" },
        { "product-fault", ImpactScope.SingleCustomer, Urgency.UseBlocked, Severity.SecondaryFunction, false, Priority.P1, "use-blocked" },
        { "product-fault", ImpactScope.SingleCustomer, Urgency.UseDegraded, Severity.SecondaryFunction, false, Priority.P2, "secondary-function" },
        { "service-experience", ImpactScope.SingleCustomer, Urgency.UseNotAffected, Severity.Cosmetic, false, Priority.P2, "service-experience" },
        { "suggestion", ImpactScope.SingleCustomer, Urgency.UseDegraded, Severity.Cosmetic, false, Priority.P2, "suggestion-affecting-use" },
        { "suggestion", ImpactScope.ManyCustomers, Urgency.UseNotAffected, Severity.Cosmetic, false, Priority.P3, "fallback" },
        { "product-fault", ImpactScope.SingleCustomer, Urgency.UseNotAffected, Severity.Cosmetic, false, Priority.P3, "fallback" },
        { "complaint", ImpactScope.SingleCustomer, Urgency.UseNotAffected, Severity.Cosmetic, false, Priority.P1, "fallback" },
        { "complaint", ImpactScope.SingleCustomer, Urgency.UseNotAffected, Severity.SafetyRisk, false, Priority.P0, "safety-risk" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Default_table_follows_the_guides(string category, ImpactScope scope, Urgency urgency, Severity severity, bool keyAccount, Priority expected, string rule)
    {
        var decision = PriorityRuleTable.Default.Decide(new TicketCategory(category), new PriorityAssessment { ImpactScope = scope, Urgency = urgency, Severity = severity, IsKeyAccount = keyAccount });
        Assert.Equal(expected, decision.Priority);
        Assert.Equal(rule, decision.Rule);
    }

    [Fact]
    public void Complaints_are_floored_at_P1()
    {
        var decision = PriorityRuleTable.Default.Decide(TicketCategory.Complaint, new PriorityAssessment());
        Assert.Equal(new PriorityDecision(Priority.P1, "fallback", RaisedByFloor: true), decision);
        Assert.Equal(Priority.P1, PriorityRuleTable.Default.FloorFor(TicketCategory.Complaint));
        Assert.Equal(Priority.P3, PriorityRuleTable.Default.FloorFor(TicketCategory.Suggestion));
    }

    [Fact]
    public void A_custom_table_is_used_first_match_wins()
    {
        var table = new PriorityRuleTable
        {
            Rules =
            [
                new() { Name = "billing", Priority = Priority.P1, Categories = [new TicketCategory("billing")] },
                new() { Name = "everything", Priority = Priority.P2 },
            ],
            Fallback = Priority.P3,
        };
        Assert.Equal("billing", table.Decide(new TicketCategory("Billing"), new PriorityAssessment()).Rule);
        Assert.Equal(Priority.P2, table.Decide(TicketCategory.Complaint, new PriorityAssessment()).Priority);
    }

    [Fact]
    public void Invalid_tables_list_every_error_with_its_key()
    {
        var table = new PriorityRuleTable
        {
            Rules = [new() { Name = "a" }, new() { Name = "A", Priority = (Priority)7 }, new() { Name = "", MinimumSeverity = (Severity)9 }],
            Fallback = (Priority)(-1),
            Floors = [new() { Category = TicketCategory.Complaint, Minimum = (Priority)5 }],
        };
        var error = Assert.Throws<QualityValidationException>(table.Validate);
        Assert.Equal(
            [
                "PriorityRuleTable.Rules[1].Name", "PriorityRuleTable.Rules[1].Priority", "PriorityRuleTable.Rules[2].Name",
                "PriorityRuleTable.Rules[2].MinimumSeverity", "PriorityRuleTable.Fallback", "PriorityRuleTable.Floors[0].Minimum",
            ],
            error.Errors.Select(e => e.Field));
        Assert.Contains("'A' is used by an earlier rule", error.Message);
    }

    [Fact]
    public void Default_tables_are_valid()
    {
        PriorityRuleTable.Default.Validate();
        RoutingTable.Default.Validate();
        new TicketServiceOptions().Validate();
    }

    [Theory]
    [InlineData("product-fault", Priority.P0, Departments.TechnicalSupport, "urgent-product-fault")]
    [InlineData("product-fault", Priority.P1, Departments.TechnicalSupport, "urgent-product-fault")]
    [InlineData("product-fault", Priority.P2, Departments.AfterSalesService, "fallback")]
    [InlineData("service-experience", Priority.P2, Departments.ServiceSupervisor, "service-experience")]
    [InlineData("suggestion", Priority.P3, Departments.ProductManager, "suggestion")]
    [InlineData("complaint", Priority.P1, Departments.ServiceSupervisor, "complaint")]
    public void Default_routing_follows_the_guides(string category, Priority priority, string department, string rule)
    {
        var (route, name) = RoutingTable.Default.RouteFor(new TicketCategory(category), priority);
        Assert.Equal((department, rule), (route.Department, name));
    }

    [Fact]
    public void Invalid_routing_tables_name_the_key()
    {
        var table = new RoutingTable { Rules = [new() { Name = "x", Priorities = [(Priority)8], Route = new() { Department = "" } }], Fallback = null! };
        var error = Assert.Throws<QualityValidationException>(table.Validate);
        Assert.Equal(["RoutingTable.Rules[0].Priorities", "RoutingTable.Rules[0].Route.Department", "RoutingTable.Fallback"], error.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task Triage_can_route_by_hand_and_name_a_first_responsible_person()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var result = await host.Run(new TriageTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-wang",
            Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment(),
            Department = "quality-assurance", FirstResponsiblePerson = "qa-lead-zhou",
        });
        var triaged = Assert.IsType<TicketTriaged>(result.NewEvents[0].Event);
        Assert.Equal(new Route { Department = "quality-assurance", FirstResponsiblePerson = "qa-lead-zhou" }, triaged.Route);
        Assert.Equal("manual", triaged.RoutingRule);
        Assert.Equal(Priority.P3, triaged.Priority);
    }

    [Fact]
    public async Task A_priority_override_needs_a_reason_is_recorded_and_respects_the_floor()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.Complaint, new PriorityAssessment());
        OverridePriority Override(Priority p, string reason) => new() { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead-chen", Priority = p, Reason = reason };

        var noReason = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(Override(Priority.P0, " ")));
        Assert.Equal("Reason", noReason.ParamName);
        var belowFloor = await Assert.ThrowsAsync<TicketRuleViolationException>(() => host.Run(Override(Priority.P2, "not that bad")));
        Assert.Equal("priority-floor", belowFloor.Rule);
        var unchanged = await Assert.ThrowsAsync<TicketRuleViolationException>(() => host.Run(Override(Priority.P1, "same")));
        Assert.Equal("priority-unchanged", unchanged.Rule);

        var result = await host.Run(Override(Priority.P0, "Journalist involved"));
        var e = Assert.IsType<PriorityOverridden>(result.NewEvents[0].Event);
        Assert.Equal((Priority.P1, Priority.P0, "Journalist involved"), (e.PreviousPriority, e.Priority, e.Reason));
        Assert.Equal((Priority.P0, "override", 1), (result.Ticket.Priority, result.Ticket.PriorityRule, result.Ticket.PriorityOverrideCount));
    }

    [Fact]
    public void Categories_and_channels_compare_by_lower_case_name_and_refuse_bad_names()
    {
        Assert.Equal(TicketCategory.Complaint, new TicketCategory("COMPLAINT"));
        Assert.Equal("product-fault", default(TicketCategory).Name);
        Assert.Equal(ServiceChannel.OnlineChat, new ServiceChannel("Online-Chat"));
        Assert.Throws<ArgumentException>(() => new TicketCategory("has space"));
        Assert.Throws<ArgumentNullException>(() => new ServiceChannel(null!));
    }
}
