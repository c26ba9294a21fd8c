using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Quickstart;

// The Quickstart: a quarter of after-sales work generated through the public API, then a summary.
var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
var clock = new SimulatedClock(Instant.FromUtc(2024, 1, 1, 0, 0));
var store = new InMemoryTicketStore();
var options = new TicketServiceOptions();
options.Numbering.TimeZone = zone;
var service = new TicketService(store, store, clock, options);

var days = 91;
var simulation = new QuarterSimulation(service, clock, zone, seed: 2024);
Console.WriteLine("AfterSales.Quality Quickstart: simulating Q1 2024 of after-sales work...");

await simulation.RunAsync(new LocalDate(2024, 1, 1), days, ticketsPerDay: 40, new SynchronousProgress(day =>
{
    if (!Console.IsOutputRedirected)
    {
        Console.Write($"\r  day {day,3}/{days} [{new string('#', day * 40 / days),-40}]");
    }
    else if (day % 13 == 0)
    {
        Console.WriteLine($"  day {day,3}/{days}");
    }
}));
Console.WriteLine();

var tickets = await Task.WhenAll(simulation.Tickets.Select(id => service.GetAsync(id)));
Console.WriteLine($"Tickets registered: {tickets.Length}, events recorded: {store.Count}");
Console.WriteLine($"Closed: {simulation.Closed}, reopened after an unsatisfied revisit: {simulation.Reopened}, escalated: {simulation.Escalated}, cancelled: {simulation.Cancelled}");
Console.WriteLine();
Console.WriteLine("| priority | tickets | share |");
Console.WriteLine("|---|---:|---:|");
foreach (var group in tickets.Where(t => t.Priority is not null).GroupBy(t => t.Priority!.Value).OrderBy(g => g.Key))
{
    Console.WriteLine($"| {group.Key} | {group.Count()} | {100.0 * group.Count() / tickets.Length:F1} % |");
}

Console.WriteLine();
Console.WriteLine("| department | tickets |");
Console.WriteLine("|---|---:|");
foreach (var group in tickets.Where(t => t.Route is not null).GroupBy(t => t.Route!.Department).OrderByDescending(g => g.Count()))
{
    Console.WriteLine($"| {group.Key} | {group.Count()} |");
}



/// <summary>Reports progress on the calling thread (Progress&lt;T&gt; posts to the thread pool and may print late).</summary>
internal sealed class SynchronousProgress(Action<int> report) : IProgress<int>
{
    public void Report(int value) => report(value);
}
