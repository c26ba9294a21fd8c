using AfterSales.Quality.Storage;

namespace AfterSales.Quality.Storage.Specification.Tests;

/// <summary>The in-memory store runs the whole storage contract.</summary>
public sealed class InMemoryTicketStoreSpecification : TicketStoreSpecification<InMemoryTicketStore>
{
    protected override Task<InMemoryTicketStore> CreateStoreAsync() => Task.FromResult(new InMemoryTicketStore());
}
