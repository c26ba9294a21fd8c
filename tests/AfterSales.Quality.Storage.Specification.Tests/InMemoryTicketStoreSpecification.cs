using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Storage;

namespace AfterSales.Quality.Storage.Specification.Tests;

/// <summary>The in-memory store runs the whole storage contract.</summary>
public sealed class InMemoryTicketStoreSpecification : TicketStoreSpecification<InMemoryTicketStore>
{
    protected override Task<InMemoryTicketStore> CreateStoreAsync() => Task.FromResult(new InMemoryTicketStore());
}

/// <summary>The in-memory plan store runs the whole improvement-plan contract.</summary>
public sealed class InMemoryImprovementPlanStoreSpecification : ImprovementPlanStoreSpecification<InMemoryImprovementPlanStore>
{
    protected override Task<InMemoryImprovementPlanStore> CreatePlanStoreAsync() => Task.FromResult(new InMemoryImprovementPlanStore());
}

/// <summary>The in-memory store runs the whole batch-append contract.</summary>
public sealed class InMemoryTicketBatchStoreSpecification : TicketBatchStoreSpecification<InMemoryTicketStore>
{
    protected override Task<InMemoryTicketStore> CreateStoreAsync() => Task.FromResult(new InMemoryTicketStore());
}
