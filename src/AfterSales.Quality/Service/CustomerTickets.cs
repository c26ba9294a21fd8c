using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Service;

/// <summary>
/// Finds a customer's tickets by customer number, for access requests and customer erasure: through the store's blind
/// index (<see cref="ICustomerNumberLookup"/>) when it offers one, otherwise by reading the registrations of the whole feed
/// (decrypted by the store; customer numbers are encrypted with a random nonce per value) and comparing them exactly. An
/// erased ticket's number reads as the placeholder and never matches; both ways give the same answer.
/// </summary>
internal static class CustomerTickets
{
    public static async Task<List<TicketId>> FindAsync(ITicketStore store, string customerNumber, CancellationToken cancellationToken)
    {
        var found = new List<TicketId>();
        if (customerNumber == PersonalDataErased.Placeholder)
        {
            return found;
        }

        if (!string.IsNullOrWhiteSpace(customerNumber) && store is ICustomerNumberLookup lookup && await lookup.FindByCustomerNumberAsync(customerNumber, cancellationToken).ConfigureAwait(false) is { } indexed)
        {
            return [.. indexed];
        }

        return await ScanAsync(store, customerNumber, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The feed scan: every registration of the feed, compared exactly.</summary>
    public static async Task<List<TicketId>> ScanAsync(ITicketStore store, string customerNumber, CancellationToken cancellationToken)
    {
        var found = new List<TicketId>();
        if (customerNumber == PersonalDataErased.Placeholder)
        {
            return found;
        }

        await foreach (var recorded in store.ReadFeedAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (CustomerNumberBlindIndex.IsRegistrationOf(recorded.Event, customerNumber) && !found.Contains(recorded.Event.TicketId))
            {
                found.Add(recorded.Event.TicketId);
            }
        }

        return found;
    }
}
