using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Testing;

/// <summary>
/// The paging and retention contract of <see cref="IPersonalDataAccessHistory"/>, for any store: records of several actors
/// and tickets at instants with nanoseconds, paged by actor, by ticket and by time range in small pages, equal to the
/// same filter over the records in order; a record added while paging is found by a later page; pruning removes exactly
/// the records before the cut-off; the default retention keeps everything.
/// </summary>
public sealed class AccessAuditScenario
{
    private static readonly Instant Start = Instant.FromUtc(2024, 3, 1, 0, 0);

    private static readonly string[] Actors = ["dpo", "agent-li", "agent-wang", "inspector"];

    /// <summary>Every record written, in order.</summary>
    public List<PersonalDataAccessRecord> Written { get; } = [];

    /// <summary>The tickets the records are about.</summary>
    public TicketId[] Tickets { get; } = [TicketId.New(), TicketId.New(), TicketId.New()];

    /// <summary>Writes 37 records in batches (microsecond instants, as every store keeps them; hours apart).</summary>
    public async Task WriteAsync(IPersonalDataAccessHistory audit)
    {
        for (var i = 0; i < 37; i += 3)
        {
            var batch = new List<PersonalDataAccessRecord>();
            var access = Guid.NewGuid();
            for (var j = i; j < Math.Min(i + 3, 37); j++)
            {
                batch.Add(Record(j, access));
            }

            await audit.RecordAccessAsync(batch);
            Written.AddRange(batch);
        }
    }

    /// <summary>The whole contract (writes more records and prunes: run it on a fresh audit, after <see cref="WriteAsync"/>).</summary>
    public async Task AssertPagingAndRetentionAsync(IPersonalDataAccessHistory audit)
    {
        var clock = new NodaTime.Testing.FakeClock(Start + Duration.FromHours(40));
        foreach (var query in new[]
        {
            new PersonalDataAccessQuery { PageSize = 5 },
            new PersonalDataAccessQuery { Actor = "agent-li", PageSize = 2 },
            new PersonalDataAccessQuery { Actor = "nobody", PageSize = 3 },
            new PersonalDataAccessQuery { TicketId = Tickets[1], PageSize = 4 },
            new PersonalDataAccessQuery { Actor = "dpo", TicketId = Tickets[0], PageSize = 1 },
            new PersonalDataAccessQuery { From = At(10), Until = At(20), PageSize = 3 },
            new PersonalDataAccessQuery { From = At(10) + Duration.FromNanoseconds(1000), PageSize = 7 },
            new PersonalDataAccessQuery { Until = At(5), PageSize = 1000 },
            new PersonalDataAccessQuery { Actor = "agent-wang", From = At(3), Until = At(30), PageSize = 2 },
        })
        {
            var pages = new List<PersonalDataAccessPage>();
            var next = query;
            do
            {
                var page = await audit.QueryAccessesAsync(next);
                Assert.InRange(page.Records.Count, 0, query.PageSize);
                pages.Add(page);
                next = query with { Continuation = page.Continuation };
            }
            while (next.Continuation is not null && pages.Count < 100);

            var expected = Written.Where(r => Matches(query, r)).ToArray();
            Assert.Equal(expected, pages.SelectMany(p => p.Records));
            Assert.All(pages.SkipLast(1), p => Assert.Equal(query.PageSize, p.Records.Count));
            Assert.Null(pages[^1].Continuation);
        }

        // A record recorded while a caller pages is found by a later page.
        var first = await audit.QueryAccessesAsync(new PersonalDataAccessQuery { Actor = "inspector", PageSize = 2 });
        var late = Record(40, Guid.NewGuid()) with { Actor = "inspector" };
        await audit.RecordAccessAsync([late]);
        Written.Add(late);
        var rest = new List<PersonalDataAccessRecord>();
        var continuation = first.Continuation;
        while (continuation is not null)
        {
            var page = await audit.QueryAccessesAsync(new PersonalDataAccessQuery { Actor = "inspector", PageSize = 2, Continuation = continuation });
            rest.AddRange(page.Records);
            continuation = page.Continuation;
        }

        Assert.Equal(Written.Where(r => r.Actor == "inspector"), first.Records.Concat(rest));

        // Malformed queries name their field.
        foreach (var (bad, field) in new (PersonalDataAccessQuery, string)[]
        {
            (new PersonalDataAccessQuery { PageSize = 0 }, nameof(PersonalDataAccessQuery.PageSize)),
            (new PersonalDataAccessQuery { PageSize = PersonalDataAccessQuery.MaxPageSize + 1 }, nameof(PersonalDataAccessQuery.PageSize)),
            (new PersonalDataAccessQuery { Continuation = "42" }, nameof(PersonalDataAccessQuery.Continuation)),
            (new PersonalDataAccessQuery { Continuation = "a1.-3" }, nameof(PersonalDataAccessQuery.Continuation)),
            (new PersonalDataAccessQuery { Actor = " " }, nameof(PersonalDataAccessQuery.Actor)),
            (new PersonalDataAccessQuery { From = At(5), Until = At(4) }, nameof(PersonalDataAccessQuery.Until)),
            (new PersonalDataAccessQuery { TicketId = new TicketId(Guid.Empty) }, nameof(PersonalDataAccessQuery.TicketId)),
        })
        {
            var error = await Assert.ThrowsAsync<QualityValidationException>(async () => await audit.QueryAccessesAsync(bad));
            Assert.Contains(error.Errors, e => e.Field == field);
        }

        // Retention: kept forever by default; N days prunes exactly what is older.
        Assert.Equal(0, await new PersonalDataAccessRetention().PruneAsync(audit, clock));
        Assert.Equal(Written.Count, (await audit.ListAccessesAsync()).Count);
        Assert.Throws<QualityValidationException>(() => new PersonalDataAccessRetention { Days = 0 }.Validate());
        var cutoff = At(12);
        var pruned = await audit.PruneAccessesAsync(cutoff);
        Assert.Equal(Written.Count(r => r.At < cutoff), pruned);
        Assert.Equal(Written.Where(r => r.At >= cutoff), await audit.ListAccessesAsync());
        var byDays = await new PersonalDataAccessRetention { Days = 1 }.PruneAsync(audit, clock);
        Assert.Equal(Written.Count(r => r.At >= cutoff && r.At < clock.GetCurrentInstant() - Duration.FromDays(1)), byDays);
        Assert.True(byDays > 0);
        Assert.Equal(Written.Where(r => r.At >= cutoff && r.At >= clock.GetCurrentInstant() - Duration.FromDays(1)), await audit.ListAccessesAsync());
    }

    private static bool Matches(PersonalDataAccessQuery query, PersonalDataAccessRecord r) =>
        (query.Actor is null || r.Actor == query.Actor)
        && (query.TicketId is null || r.TicketId == query.TicketId)
        && (query.From is null || r.At >= query.From)
        && (query.Until is null || r.At < query.Until);

    /// <summary>Record i's instant: i hours after the start, plus i·7 microseconds.</summary>
    private static Instant At(int i) => Start + Duration.FromHours(i) + Duration.FromNanoseconds(i * 7000L);

    private PersonalDataAccessRecord Record(int i, Guid access) => new(
        access, At(i), Actors[i % Actors.Length], "purpose " + i,
        i % 5 == 0 ? PersonalDataAccessKind.Export : PersonalDataAccessKind.View,
        i % 4 == 1 ? PersonalDataAccessDecision.Denied : PersonalDataAccessDecision.Allowed,
        i % 6 == 5 ? null : Tickets[i % Tickets.Length]);
}
