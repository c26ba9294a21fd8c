namespace AfterSales.Quality.Tests;

/// <summary>
/// The tests run on the runtime of the target they were built for: the net8.0 build (.ci/test runs it
/// self-contained on the .NET 8 runtime pack) on .NET 8, with the core's net8.0 build, not on a newer runtime
/// that would hide a missing API.
/// </summary>
public sealed class TargetRuntimeTests
{
    [Fact]
    public void The_tests_and_the_core_run_on_their_targets_runtime()
    {
#if NET10_0_OR_GREATER
        const int target = 10;
#else
        const int target = 8;
#endif
        Assert.Equal(target, Environment.Version.Major);
        var core = typeof(QualityValidationException).Assembly;
        var framework = core.GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false).Cast<System.Runtime.Versioning.TargetFrameworkAttribute>().Single();
        Assert.Equal($".NETCoreApp,Version=v{target}.0", framework.FrameworkName);
    }
}
