using NodaTime;

namespace Quickstart;

/// <summary>A clock the simulation moves forward by hand, so a quarter of work runs in seconds.</summary>
internal sealed class SimulatedClock(Instant start) : IClock
{
    public Instant Now { get; set; } = start;

    public Instant GetCurrentInstant() => Now;
}
