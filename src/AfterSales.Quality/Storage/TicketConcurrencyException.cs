using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// Thrown when an append finds the stream at another version than expected: another writer
/// appended first. Nothing was appended; read the stream again and retry the decision.
/// </summary>
public sealed class TicketConcurrencyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="expectedVersion">The version the writer expected.</param>
    /// <param name="actualVersion">The version the stream is at, if known (-1 when the store cannot tell).</param>
    public TicketConcurrencyException(TicketId ticketId, long expectedVersion, long actualVersion)
        : base($"Ticket {ticketId} is at version {(actualVersion < 0 ? "unknown" : actualVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))}, not the expected {expectedVersion}: another writer appended first. Nothing was appended.")
    {
        TicketId = ticketId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The ticket.</summary>
    public TicketId TicketId { get; }

    /// <summary>The version the writer expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version the stream is at (-1 when unknown).</summary>
    public long ActualVersion { get; }
}
