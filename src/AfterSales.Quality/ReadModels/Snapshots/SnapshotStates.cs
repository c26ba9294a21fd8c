using AfterSales.Quality.Kpi;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>A copy of the fact projection's state: the facts, the dimension values by code, and each ticket's row.</summary>
internal sealed record FactProjectionState(FeedAnchor Anchor, Instant? MeasuredAt, TicketFact[] Facts, string[][] Dimensions, (TicketId Id, int Row, long StableUntil)[] Open, (TicketId Id, int Row)[] Settled);

/// <summary>A copy of a read model that keeps open tickets: which tickets it holds (their histories are in the ticket log).</summary>
internal sealed record OpenTicketsState(FeedAnchor Anchor, TicketId[] Open, TicketId[] Left, string Settings);
