using NodaTime;

namespace AfterSales.Quality.Hosting.TestHost;

/// <summary>
/// A clock several processes agree on that runs <see cref="Speed"/> times faster than real time from a shared origin
/// (0: stands still at <see cref="Origin"/>), so SLA targets of hours run out within seconds in a multi-process test.
/// </summary>
/// <param name="Origin">The instant the clock shows at <paramref name="RealOriginUnixMs"/>.</param>
/// <param name="RealOriginUnixMs">The real time (Unix milliseconds) of the origin.</param>
/// <param name="Speed">Clock seconds per real second; 0 stands still.</param>
public sealed record ScaledClock(Instant Origin, long RealOriginUnixMs, double Speed) : IClock
{
    /// <inheritdoc />
    public Instant GetCurrentInstant()
    {
        var real = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - RealOriginUnixMs;
        return Origin + Duration.FromMilliseconds(real * Speed);
    }

    /// <summary>The command-line arguments that give a test host this clock.</summary>
    /// <returns>The arguments.</returns>
    public string[] ToArguments() =>
    [
        "--TestHost:ClockOrigin=" + NodaTime.Text.InstantPattern.ExtendedIso.Format(Origin),
        "--TestHost:ClockRealOrigin=" + RealOriginUnixMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--TestHost:ClockSpeed=" + Speed.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    ];
}
