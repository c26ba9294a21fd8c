using System.Text;
using System.Text.Json;
using AfterSales.Quality.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Tests.Storage;

/// <summary>
/// The stored instant's fast UTF-8 codec (<see cref="IsoInstant"/>) against NodaTime's <see cref="InstantPattern.ExtendedIso"/>,
/// the oracle: the same text written, the same instant read, and wherever the fast path accepts a text, the pattern
/// accepts it as the same instant (everything else is left to the pattern).
/// </summary>
public sealed class IsoInstantProperties
{
    private static readonly InstantPattern Oracle = InstantPattern.ExtendedIso;

    /// <summary>Instants over years −100 to 9999 (NodaTime's last), with whole seconds, milliseconds, ticks or nanoseconds.</summary>
    public static Arbitrary<Instant> Instants() => Gen.Choose(0, int.MaxValue - 1).Select(seed => AnyInstant(new Random(seed))).ToArbitrary();

    private static Instant AnyInstant(Random random)
    {
        var year = random.Next(20) switch
        {
            0 => random.Next(-100, 1),
            1 => random.Next(9990, 9999),
            _ => random.Next(1, 10000),
        };
        var start = Instant.FromUtc(year, 1, 1, 0, 0);
        var seconds = random.NextInt64(0, 366L * 24 * 3600);
        var nanos = random.Next(5) switch
        {
            0 => 0,
            1 => random.Next(1000) * 1_000_000L,
            2 => random.Next(10_000_000) * 100L,
            3 => random.Next(1_000_000_000),
            _ => random.Next(10) * 100_000_000L,
        };
        return start + Duration.FromSeconds(seconds) + Duration.FromNanoseconds(nanos);
    }

    /// <summary>Texts near the stored form: a formatted instant with one to three characters replaced, inserted or removed.</summary>
    public static Arbitrary<string> NearTexts() => Gen.Choose(0, int.MaxValue - 1).Select(seed =>
    {
        var random = new Random(seed);
        var text = new StringBuilder(Oracle.Format(AnyInstant(random)));
        const string alphabet = "0123456789-:.TZ +,9";
        for (var edits = random.Next(1, 4); edits > 0 && text.Length > 0; edits--)
        {
            var at = random.Next(text.Length);
            switch (random.Next(3))
            {
                case 0:
                    text[at] = alphabet[random.Next(alphabet.Length)];
                    break;
                case 1:
                    text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                default:
                    text.Remove(at, 1);
                    break;
            }
        }

        return text.ToString();
    }).ToArbitrary();

    [Property(MaxTest = 2000, Arbitrary = [typeof(IsoInstantProperties)])]
    public void Writes_the_patterns_text_and_reads_it_back(Instant instant)
    {
        var expected = Oracle.Format(instant);
        Assert.Equal(expected, IsoInstant.Format(instant));
        Assert.Equal(expected, Encoding.UTF8.GetString(Json(w => IsoInstant.Write(w, instant)))[1..^1]);

        var year = instant.InUtc().Year;
        Assert.Equal(year is >= 1 and <= 9999, IsoInstant.TryParse(Encoding.UTF8.GetBytes(expected), out var fast));
        Assert.Equal(instant, Read(expected));
        if (year is >= 1 and <= 9999)
        {
            Assert.Equal(instant, fast);
        }
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(IsoInstantProperties)])]
    public void Accepts_a_text_only_as_the_pattern_reads_it(string text)
    {
        var oracle = Oracle.Parse(text);
        if (IsoInstant.TryParse(Encoding.UTF8.GetBytes(text), out var fast))
        {
            Assert.True(oracle.Success, $"the fast path accepted '{text}', the pattern refuses it");
            Assert.Equal(oracle.Value, fast);
        }

        if (oracle.Success)
        {
            Assert.Equal(oracle.Value, Read(text));
        }
        else
        {
            Assert.Throws<JsonException>(() => Read(text));
        }
    }

    [Fact]
    public void An_escaped_string_is_read_by_the_pattern()
    {
        var json = "\"2024-09-09T11:25:09\\u005A\""u8.ToArray();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        Assert.Equal(Instant.FromUtc(2024, 9, 9, 11, 25, 9), IsoInstant.Read(ref reader));
    }

    [Fact]
    public void A_number_is_refused()
    {
        Assert.Throws<JsonException>(() =>
        {
            var reader = new Utf8JsonReader("12"u8);
            reader.Read();
            return IsoInstant.Read(ref reader);
        });
    }

    private static Instant Read(string text)
    {
        var json = Json(w => w.WriteStringValue(text));
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return IsoInstant.Read(ref reader);
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
