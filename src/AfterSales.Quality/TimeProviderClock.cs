using NodaTime;

namespace AfterSales.Quality;

/// <summary>
/// A NodaTime <see cref="IClock"/> that reads a BCL <see cref="System.TimeProvider"/>, so a .NET host's time source
/// (and <c>FakeTimeProvider</c> from Microsoft.Extensions.TimeProvider.Testing in tests) can be passed wherever the
/// library takes an <see cref="IClock"/>: <c>new TicketService(store, store, timeProvider.ToClock())</c>.
/// Thread-safe when the time provider is (the system one and <c>FakeTimeProvider</c> are).
/// </summary>
public sealed class TimeProviderClock : IClock
{
    /// <summary>Creates a clock over a time provider.</summary>
    /// <param name="timeProvider">The time provider whose <see cref="System.TimeProvider.GetUtcNow"/> is the current instant.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public TimeProviderClock(TimeProvider timeProvider) => TimeProvider = Preconditions.CheckNotNull(timeProvider);

    /// <summary>The time provider read.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The time provider's current UTC instant.</summary>
    /// <returns>The instant.</returns>
    public Instant GetCurrentInstant() => Instant.FromDateTimeOffset(TimeProvider.GetUtcNow());
}
