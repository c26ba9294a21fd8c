namespace AfterSales.Quality.Tickets;

/// <summary>
/// The identity of a ticket's event stream. Chosen by the caller (usually <see cref="New"/>) so a
/// retried registration finds the ticket it already created. Immutable.
/// </summary>
/// <param name="Value">The underlying identifier; never <see cref="Guid.Empty"/> for a real ticket.</param>
public readonly record struct TicketId(Guid Value)
{
    /// <summary>A new random ticket id.</summary>
    /// <returns>A fresh id.</returns>
    public static TicketId New() => new(Guid.NewGuid());

    /// <summary>Parses the text form written by <see cref="ToString"/>.</summary>
    /// <param name="text">A GUID in any of the standard formats.</param>
    /// <returns>The ticket id.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not a GUID.</exception>
    public static TicketId Parse(string text) => new(Guid.Parse(Preconditions.CheckNotNull(text)));

    /// <summary>Whether this is the empty id (a default value, never a real ticket).</summary>
    public bool IsEmpty => Value == Guid.Empty;

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");
}
