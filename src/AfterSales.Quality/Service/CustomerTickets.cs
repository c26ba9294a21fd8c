using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Service;

/// <summary>
/// Finds a customer's tickets by customer number, for access requests and customer erasure. The stores keep customer
/// numbers encrypted with a random nonce per value, so no index can match them: the registrations of the whole feed are
/// read (decrypted by the store) and compared exactly. An erased ticket's number reads as the placeholder and never matches.
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

        await foreach (var recorded in store.ReadFeedAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Event is TicketRegistered registered
                && string.Equals(registered.Intake.CustomerNumber, customerNumber, StringComparison.Ordinal)
                && !found.Contains(registered.TicketId))
            {
                found.Add(registered.TicketId);
            }
        }

        return found;
    }
}
