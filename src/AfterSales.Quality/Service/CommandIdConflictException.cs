using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Service;

/// <summary>
/// A command arrived with the <see cref="TicketCommand.CommandId"/> of a different command already
/// applied to the ticket (another command type, or the same type with another payload). Command ids
/// are unique per ticket: a retry must resend the same command with the same id; a new command needs
/// a new id. Nothing was appended.
/// </summary>
public sealed class CommandIdConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="commandId">The reused command id.</param>
    /// <param name="recordedFingerprint">The fingerprint of the command recorded under that id.</param>
    /// <param name="fingerprint">The fingerprint of the command that was refused.</param>
    public CommandIdConflictException(TicketId ticketId, Guid commandId, string recordedFingerprint, string fingerprint)
        : base($"Command id {commandId} was already used on ticket {ticketId} for {Kind(recordedFingerprint)}; this {Kind(fingerprint)} is a different command. Use a new CommandId for a new command (reuse one only to retry the very same command). Nothing was appended.")
    {
        TicketId = ticketId;
        CommandId = commandId;
        RecordedFingerprint = recordedFingerprint;
        Fingerprint = fingerprint;
    }

    /// <summary>The ticket.</summary>
    public TicketId TicketId { get; }

    /// <summary>The reused command id.</summary>
    public Guid CommandId { get; }

    /// <summary>The fingerprint recorded with the first command under the id (type name and payload hash).</summary>
    public string RecordedFingerprint { get; }

    /// <summary>The fingerprint of the refused command.</summary>
    public string Fingerprint { get; }

    private static string Kind(string fingerprint)
    {
        var colon = fingerprint.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? fingerprint : $"a {fingerprint[..colon]}";
    }
}
