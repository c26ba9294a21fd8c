using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Service;

/// <summary>Command ids are unique per ticket: a retry is the same command under the same id; another command under a used id is refused.</summary>
public sealed class CommandIdTests
{
    [Fact]
    public async Task A_command_id_reused_for_another_command_is_refused_and_changes_nothing()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var reply = new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Summary = "On it." };
        await host.Run(reply);
        var count = host.Store.Count;

        // A Resolve sent with the reply's id: another command type.
        var resolve = new ResolveTicket { TicketId = id, CommandId = reply.CommandId, Actor = "tech-zhao", Solution = "Replaced." };
        var conflict = await Assert.ThrowsAsync<CommandIdConflictException>(() => host.Run(resolve));
        Assert.Equal((id, reply.CommandId), (conflict.TicketId, conflict.CommandId));
        Assert.StartsWith("RecordResponse:", conflict.RecordedFingerprint, StringComparison.Ordinal);
        Assert.StartsWith("ResolveTicket:", conflict.Fingerprint, StringComparison.Ordinal);
        Assert.Contains("Use a new CommandId", conflict.Message, StringComparison.Ordinal);

        // The same type with another payload.
        await Assert.ThrowsAsync<CommandIdConflictException>(() => host.Run(reply with { Summary = "Something else." }));
        Assert.Equal(count, host.Store.Count);
        Assert.Equal(TicketState.InProgress, (await host.Service.GetAsync(id)).State);

        // The very same command again is a retry: applied once, nothing appended, no error.
        var retried = await host.Run(reply);
        Assert.True(retried.AlreadyApplied);
        Assert.Equal(count, host.Store.Count);
    }

    [Fact]
    public async Task A_registration_under_a_used_id_with_another_customer_is_refused_without_the_fingerprint_naming_them()
    {
        var host = new TicketTestHost();
        var intake = TicketTestHost.Intake(host.Clock.GetCurrentInstant());
        var register = new RegisterTicket { TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = "agent", Intake = intake };
        var first = await host.Run(register);
        Assert.True((await host.Run(register)).AlreadyApplied);

        // Another customer (name, contact) under the same ticket and command id: almost always told apart by the 8-bit digest.
        var refused = 0;
        for (var i = 0; i < 20; i++)
        {
            var other = register with { Intake = intake with { CustomerName = $"Li Si {i}", Contact = $"1390000{i:0000}" } };
            try
            {
                await host.Run(other);
            }
            catch (CommandIdConflictException ex)
            {
                refused++;
                Assert.DoesNotContain("Li Si", ex.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("1390000", ex.Fingerprint, StringComparison.Ordinal);
            }
        }

        Assert.InRange(refused, 17, 20);
        Assert.Equal(first.Ticket.FeedbackNumber, (await host.Service.GetAsync(register.TicketId)).FeedbackNumber);

        // The fingerprint is stored with the events and read back by every store's serializer.
        var serializer = new TicketEventSerializer();
        var recorded = (await host.Store.ReadStreamAsync(register.TicketId)).Events[0].Event;
        var (type, json) = serializer.Serialize(recorded);
        Assert.Equal(recorded.CommandFingerprint, serializer.Deserialize(type, json).CommandFingerprint);
        Assert.StartsWith("RegisterTicket:", recorded.CommandFingerprint, StringComparison.Ordinal);
    }

    [Property(MaxTest = 30)]
    public async Task Retrying_a_command_any_number_of_times_appends_it_once(byte retries)
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var escalate = new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Level = 2, Reason = "needs L2", EscalatedTo = "l2" };
        await host.Run(escalate);
        var count = host.Store.Count;
        for (var i = 0; i < retries % 8; i++)
        {
            Assert.True((await host.Run(escalate)).AlreadyApplied);
        }

        Assert.Equal(count, host.Store.Count);
    }
}
