using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed class RegistrationTests
{
    private static RegisterTicket Command(TicketIntake intake) =>
        new() { TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = intake };

    [Fact]
    public async Task Registration_keeps_every_intake_field()
    {
        var host = new TicketTestHost();
        var intake = Intake(host.Clock.GetCurrentInstant()) with
        {
            CustomerKind = CustomerKind.Company,
            Address = "1 Century Avenue, Shanghai",
            CustomerSegment = "key-account",
            CustomerExpectation = "A working battery this week",
        };
        var result = await host.Run(Command(intake));
        var registered = Assert.IsType<TicketRegistered>(result.NewEvents.Single().Event);
        Assert.Equal(intake, registered.Intake);
        Assert.Equal(intake, result.Ticket.Intake);
        Assert.Equal(host.Clock.GetCurrentInstant(), result.Ticket.RegisteredAt);
    }

    [Fact]
    public async Task Every_missing_or_malformed_field_is_named_and_nothing_is_recorded()
    {
        var host = new TicketTestHost();
        var bad = new TicketIntake
        {
            CustomerName = " ",
            Contact = "call me maybe",
            ProductModel = "",
            ReceivedAt = host.Clock.GetCurrentInstant() + Duration.FromMinutes(5),
            Description = "",
            Owner = "",
        };
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(Command(bad)));
        Assert.Equal(["CustomerName", "Contact", "ProductModel", "ReceivedAt", "Description", "Owner"], error.Errors.Select(e => e.Field));
        Assert.Equal("CustomerName", error.ParamName);
        Assert.Contains("RegisterTicket is invalid (6 errors)", error.Message);
        Assert.Contains("ReceivedAt: ", error.Message);
        Assert.Equal(0, host.Store.Count);
    }

    [Theory]
    [InlineData("13812345678", true)]
    [InlineData("+86 138-1234-5678", true)]
    [InlineData("(021) 5555 0101", true)]
    [InlineData("zhang@example.cn", true)]
    [InlineData("1234", false)]
    [InlineData("138 1234 x678", false)]
    [InlineData("zhang@localhost", false)]
    [InlineData("@example.com", false)]
    [InlineData("zhang@@example.com", false)]
    [InlineData("123456789012345678901", false)]
    public async Task Contact_is_a_phone_number_or_an_email(string contact, bool valid)
    {
        var host = new TicketTestHost();
        var command = Command(Intake(host.Clock.GetCurrentInstant()) with { Contact = contact });
        if (valid)
        {
            await host.Run(command);
            return;
        }

        var error = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(command));
        Assert.Equal("Contact", Assert.Single(error.Errors).Field);
        Assert.DoesNotContain(contact, error.Message); // personal data never appears in messages
    }

    [Fact]
    public async Task The_purchase_date_cannot_be_after_the_day_received()
    {
        var host = new TicketTestHost();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(Command(Intake(host.Clock.GetCurrentInstant()) with { PurchaseOrServiceDate = new LocalDate(2024, 3, 2) })));
        Assert.Equal("PurchaseOrServiceDate", error.ParamName);
        Assert.Contains("2024-03-02 is after the day the ticket was received (2024-03-01)", error.Message);
    }

    [Fact]
    public async Task Overlong_text_is_refused_with_the_field_named()
    {
        var host = new TicketTestHost();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(Command(Intake(host.Clock.GetCurrentInstant()) with { Description = new string('x', 8001) })));
        Assert.Equal("Description: must be at most 8000 characters; it has 8001.", Assert.Single(error.Errors).ToString());
    }

    [Fact]
    public async Task Command_envelope_fields_are_validated()
    {
        var host = new TicketTestHost();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(new RegisterTicket { TicketId = default, CommandId = Guid.Empty, Actor = "", Intake = Intake(host.Clock.GetCurrentInstant()) }));
        Assert.Equal(["TicketId", "CommandId", "Actor"], error.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task A_refused_registration_does_not_consume_a_feedback_number()
    {
        var host = new TicketTestHost();
        await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(Command(Intake(host.Clock.GetCurrentInstant()) with { Owner = "" })));
        var id = await host.Register();
        Assert.Equal("F20240301001", (await host.Service.GetAsync(id)).FeedbackNumber);
    }
}
