using AfterSales.Quality.Numbering;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.Numbering;

public sealed class DocumentNumberTests
{
    [Fact]
    public async Task Numbers_use_the_date_in_the_configured_zone()
    {
        var store = new InMemoryTicketStore();
        var generator = new DocumentNumberGenerator(store, new DocumentNumberingOptions { TimeZone = TicketTestHost.Shanghai });
        var lateUtc = Instant.FromUtc(2024, 2, 29, 23, 30); // 2024-03-01 07:30 in Shanghai
        Assert.Equal("F20240301001", await generator.NextAsync(DocumentKind.Feedback, lateUtc));
        Assert.Equal("F20240301002", await generator.NextAsync(DocumentKind.Feedback, lateUtc));
        Assert.Equal("HV20240301001", await generator.NextAsync(DocumentKind.Revisit, lateUtc));
        Assert.Equal("IMP20240301001", await generator.NextAsync(DocumentKind.Improvement, lateUtc));
        Assert.Equal("F20240229001", await new DocumentNumberGenerator(new InMemoryTicketStore(), new DocumentNumberingOptions()).NextAsync(DocumentKind.Feedback, lateUtc));
    }

    [Fact]
    public async Task Formats_are_configurable_and_grow_past_their_digits()
    {
        var options = new DocumentNumberingOptions { Feedback = new DocumentNumberFormat { Prefix = "FB", DatePattern = "yyMMdd", SequenceDigits = 1 } };
        var generator = new DocumentNumberGenerator(new InMemoryTicketStore(), options);
        var at = Instant.FromUtc(2024, 3, 1, 8, 0);
        var numbers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            numbers.Add(await generator.NextAsync(DocumentKind.Feedback, at));
        }

        Assert.Equal("FB2403011", numbers[0]);
        Assert.Equal("FB24030110", numbers[9]);
    }

    [Fact]
    public async Task Numbers_are_unique_under_concurrent_registration()
    {
        var host = new TicketTestHost();
        var ids = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Task.Run(() => host.Register())));
        var numbers = await Task.WhenAll(ids.Select(async id => (await host.Service.GetAsync(id)).FeedbackNumber));
        Assert.Equal(300, numbers.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"F20240301{i:000}").ToHashSet(), numbers.ToHashSet());
    }

    [Fact]
    public void Invalid_numbering_options_name_every_key()
    {
        var options = new DocumentNumberingOptions
        {
            Feedback = new DocumentNumberFormat { Prefix = "F-1", DatePattern = "uuuu MM dd", SequenceDigits = 0 },
            Revisit = new DocumentNumberFormat { Prefix = "IMP", DatePattern = "not a [pattern" },
        };
        var error = Assert.Throws<QualityValidationException>(options.Validate);
        Assert.Equal(
            [
                "DocumentNumberingOptions.Feedback.Prefix", "DocumentNumberingOptions.Feedback.DatePattern", "DocumentNumberingOptions.Feedback.SequenceDigits",
                "DocumentNumberingOptions.Revisit.DatePattern", "DocumentNumberingOptions.Improvement.Prefix",
            ],
            error.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Service_options_are_validated_at_construction_with_keys_named()
    {
        var store = new InMemoryTicketStore();
        var options = new TicketServiceOptions
        {
            Revisit = new RevisitRules { UnsatisfiedScoreThreshold = 5, UnreachableAfterAttempts = 0 },
            Routing = null!,
        };
        var error = Assert.Throws<QualityValidationException>(() => new TicketService(store, store, new NodaTime.Testing.FakeClock(Instant.FromUnixTimeSeconds(0)), options));
        Assert.Equal(["Routing", "Revisit.UnsatisfiedScoreThreshold", "Revisit.UnreachableAfterAttempts"], error.Errors.Select(e => e.Field));
        Assert.Contains("TicketServiceOptions is invalid (3 errors)", error.Message);
    }
}
