using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Testing;

/// <summary>
/// The blind-index law, for any store with <see cref="ICustomerNumberLookup"/>: over a generated set of registrations —
/// numbers that differ only in case or width (equal for the index's normalisation, different for the
/// exact comparison), Chinese numbers, tickets without a number, erased tickets — the lookup returns exactly what
/// reading every registration of the feed returns, in the same order.
/// </summary>
public sealed class CustomerNumberIndexScenario
{
    /// <summary>The numbers registered (and looked up); the last few are never registered.</summary>
    public static readonly string[] Numbers =
    [
        "C1001", "c1001", "Ｃ１００１", "C１001", "C1002", "客户-张三-9", "C1003", "C-OUYANG-77", "c-ouyang-77",
    ];

    /// <summary>Looked up but never registered.</summary>
    public static readonly string[] Absent = ["C9999", "c1002", "[erased]"];

    private static readonly Instant Start = Instant.FromUtc(2024, 3, 1, 1, 0);

    /// <summary>The tickets written, with the number each was registered with (null: none), in registration order.</summary>
    public List<(TicketId Ticket, string? Number)> Registered { get; } = [];

    /// <summary>The tickets erased one by one.</summary>
    public List<TicketId> Erased { get; } = [];

    /// <summary>Registers <paramref name="count"/> tickets with numbers drawn from <see cref="Numbers"/> (seeded), and erases every seventh.</summary>
    public async Task WriteAsync(TicketService service, int count = 48, int seed = 18)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var number = random.Next(6) == 0 ? null : Numbers[random.Next(Numbers.Length)];
            var id = TicketId.New();
            await service.ExecuteAsync(new RegisterTicket
            {
                TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
                Intake = new TicketIntake
                {
                    CustomerName = "客户" + i, Contact = "139" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), CustomerNumber = number,
                    ProductModel = "Phone Pro", ReceivedAt = Start + Duration.FromMinutes(i), Description = "第" + i + "张", Owner = "agent",
                },
            });
            Registered.Add((id, number));
            if (i % 7 == 3)
            {
                await service.ExecuteAsync(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-" + i });
                Erased.Add(id);
            }
        }
    }

    /// <summary>What the feed scan finds: every registration of the feed whose decrypted number equals, in feed order (nothing for the erasure placeholder, which is no number).</summary>
    public static async Task<List<TicketId>> ScanAsync(ITicketStore store, string number)
    {
        var found = new List<TicketId>();
        if (number == PersonalDataErased.Placeholder)
        {
            return found;
        }

        await foreach (var recorded in store.ReadFeedAsync(0))
        {
            if (recorded.Event is TicketRegistered r && string.Equals(r.Intake.CustomerNumber, number, StringComparison.Ordinal) && !found.Contains(r.TicketId))
            {
                found.Add(r.TicketId);
            }
        }

        return found;
    }

    /// <summary>The law: for every number (registered or not) the index answers what the feed scan and the model answer.</summary>
    public async Task AssertLookupEqualsScanAsync<TStore>(TStore store)
        where TStore : ITicketStore, ICustomerNumberLookup
    {
        var nonEmpty = 0;
        foreach (var number in Numbers.Concat(Absent))
        {
            var indexed = await store.FindByCustomerNumberAsync(number);
            Assert.NotNull(indexed);
            var scanned = await ScanAsync(store, number);
            Assert.True(scanned.SequenceEqual(indexed), $"'{number}': the index found {indexed.Count} tickets, the feed scan {scanned.Count}");
            var model = Registered.Where(r => r.Number == number && !Erased.Contains(r.Ticket)).Select(r => r.Ticket);
            Assert.Equal(model, indexed);
            nonEmpty += indexed.Count > 0 ? 1 : 0;
        }

        // The set is not trivial: most numbers find tickets, and erased tickets existed with numbers.
        Assert.True(nonEmpty >= 6, $"only {nonEmpty} numbers found tickets");
        Assert.Contains(Registered, r => r.Number is not null && Erased.Contains(r.Ticket));
    }
}
