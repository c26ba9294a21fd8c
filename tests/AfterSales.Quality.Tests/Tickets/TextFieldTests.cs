using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Tickets;

/// <summary>
/// Input one store accepts must not fail on another: every text field refuses control characters
/// (PostgreSQL refuses NUL), unpaired surrogates (not UTF-8) and oversized values, by name, before a
/// number is taken or an event appended.
/// </summary>
public sealed class TextFieldTests
{
    /// <summary>A command on an in-progress ticket with one text field set to <paramref name="text"/>, and that field's name.</summary>
    private static IEnumerable<(string Field, Func<TicketId, TicketCommand> Command)> Commands(string text)
    {
        yield return ("Actor", id => new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = text });
        yield return ("Summary", id => new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Summary = text });
        yield return ("Reason", id => new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = text });
        yield return ("Assignee", id => new ReassignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = text, Reason = "r" });
        yield return ("Department", id => new ReassignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "b", Reason = "r", Department = text });
        yield return ("EscalatedTo", id => new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Level = 2, Reason = "r", EscalatedTo = text });
        yield return ("Solution", id => new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Solution = text });
        yield return ("Reason", id => new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = text });
    }

    private static readonly char[] Forbidden = ['\0', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\udfff'];

    [Property(MaxTest = 60)]
    public async Task A_control_character_or_unpaired_surrogate_in_any_text_field_is_refused_by_name_and_changes_nothing(NonEmptyString prefix, int pick, int at)
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var clean = new string(prefix.Get.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).Take(50).ToArray()) + "x";
        var bad = clean.Insert(Math.Abs(at % clean.Length), Forbidden[Math.Abs(pick % Forbidden.Length)].ToString());
        var commands = Commands(bad).ToArray();
        var (field, command) = commands[Math.Abs((pick / 7) % commands.Length)];
        var count = host.Store.Count;

        var refused = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(command(id)));
        Assert.Contains(refused.Errors, e => e.Field == field && (e.Message.Contains("control character", StringComparison.Ordinal) || e.Message.Contains("surrogate", StringComparison.Ordinal)));
        Assert.DoesNotContain(bad, refused.Message, StringComparison.Ordinal);
        Assert.Equal(count, host.Store.Count);

        // Tab, CR, LF and paired surrogates (emoji, rare CJK) are text.
        await host.Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Summary = "line 1\r\n\tline 2 😀 𠀀 " + clean });
    }

    [Fact]
    public async Task Oversized_fields_and_a_receipt_before_1900_are_refused_before_a_number_is_taken()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        foreach (var (field, command) in Commands(new string('x', 9_000)))
        {
            var refused = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(command(id)));
            Assert.Contains(refused.Errors, e => e.Field == field && e.Message.StartsWith("must be at most", StringComparison.Ordinal));
        }

        var names = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = new string('a', 201), Assignee = new string('b', 201) }));
        Assert.Equal(["Actor", "Assignee"], names.Errors.Select(e => e.Field));

        var count = host.Store.Count;
        var ancient = await Assert.ThrowsAsync<QualityValidationException>(() => host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { ReceivedAt = Instant.MinValue, PurchaseOrServiceDate = null }));
        Assert.Equal("ReceivedAt", Assert.Single(ancient.Errors).Field);
        Assert.Equal(count, host.Store.Count);
        var next = await host.Register();
        Assert.EndsWith("002", (await host.Service.GetAsync(next)).FeedbackNumber, StringComparison.Ordinal); // no number was spent on the refused one
    }
}
