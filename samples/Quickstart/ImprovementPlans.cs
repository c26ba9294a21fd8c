using AfterSales.Quality.Calendars;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace Quickstart;

/// <summary>
/// The improvement half of the loop, through the public API: at each month's end the product with
/// the most complaints and unsatisfied revisits gets an improvement plan linked to its feedback.
/// January's plan is done on time; February's asks for a delay, gets it approved and finishes late;
/// March's is still in progress when the quarter ends.
/// </summary>
internal static class ImprovementPlans
{
    public static async Task<IReadOnlyList<ImprovementPlan>> RunAsync(
        IImprovementPlanStore plans, ITicketStore tickets, ISequenceStore sequences, SimulatedClock clock, DateTimeZone zone,
        IReadOnlyDictionary<(string Product, int Month), List<TicketId>> problems)
    {
        var options = new ImprovementPlanOptions { Calendar = ChinaMainlandHolidays.Calendar(), AfterSalesLead = "after-sales-lead" };
        options.Numbering.TimeZone = zone;
        var service = new ImprovementPlanService(plans, tickets, sequences, clock, options);
        var result = new List<ImprovementPlan>();
        foreach (var month in new[] { 1, 2, 3 })
        {
            var worst = problems.Where(p => p.Key.Month == month).OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key.Product, StringComparer.Ordinal).FirstOrDefault();
            if (worst.Value is null)
            {
                continue;
            }

            var start = new LocalDate(2024, month, 1).PlusMonths(1).PlusDays(-3);
            At(clock, zone, start, 10);
            var plan = await service.CreateAsync(new NewImprovementPlan
            {
                Title = $"{worst.Key.Product}: repeated faults and complaints",
                RootCause = $"{worst.Value.Count} complaints or unsatisfied revisits on {worst.Key.Product} in 2024-{month:00}",
                Target = "Halve the complaints on the product next month",
                Measures = [new ImprovementMeasure(MeasureKind.Technical, "Fix the faulty part"), new ImprovementMeasure(MeasureKind.People, "Brief the engineers")],
                Department = "quality", Owner = "owner-he",
                Tickets = worst.Value.Take(5).ToArray(),
                PlannedStart = start, PlannedFinish = start.PlusDays(10),
            }, "owner-he");
            await service.StartAsync(plan.Id, "owner-he");
            switch (month)
            {
                case 1:
                    At(clock, zone, start.PlusDays(8), 17);
                    plan = (await service.CompleteAsync(plan.Id, start.PlusDays(8), "owner-he")).Plan;
                    break;
                case 2:
                    At(clock, zone, start.PlusDays(5), 11);
                    await service.RequestDelayAsync(plan.Id, "The supplier ships the new part late", start.PlusDays(20), "one more engineer", "owner-he");
                    plan = await service.DecideDelayAsync(plan.Id, approve: true, "approved", "after-sales-lead");
                    At(clock, zone, start.PlusDays(18), 17);
                    plan = (await service.CompleteAsync(plan.Id, start.PlusDays(18), "owner-he")).Plan;
                    break;
                default:
                    plan = await service.GetAsync(plan.Id);
                    break;
            }

            result.Add(plan);
        }

        return result;
    }

    private static void At(SimulatedClock clock, DateTimeZone zone, LocalDate date, int hour) => clock.Now = date.At(new LocalTime(hour, 0)).InZoneLeniently(zone).ToInstant();
}
