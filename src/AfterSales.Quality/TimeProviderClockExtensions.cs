using NodaTime;

namespace AfterSales.Quality;

/// <summary>Adapts a <see cref="TimeProvider"/> to the NodaTime <see cref="IClock"/> the library takes.</summary>
public static class TimeProviderClockExtensions
{
    /// <summary>The time provider as a NodaTime clock (<see cref="TimeProviderClock"/>).</summary>
    /// <param name="timeProvider">The time provider.</param>
    /// <returns>A clock reading <paramref name="timeProvider"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public static IClock ToClock(this TimeProvider timeProvider) => new TimeProviderClock(timeProvider);
}
