using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace AfterSales.Quality.Packaging.Tests;

/// <summary>
/// Package validation against the last release (docs/upgrading.md): every package of src/ that was released has its
/// released .nupkg in eng/package-baseline/ with both target frameworks, and its pack points
/// <c>PackageValidationBaselinePath</c> at it, so <c>dotnet pack</c> (CI's pack step and this project's other tests) fails
/// on a change that breaks the released API.
/// </summary>
public sealed class PackageBaselineTests
{
    /// <summary>Packages first released after the last release (none yet: every package shipped in 0.2.0).</summary>
    private static readonly string[] NewSinceRelease = [];

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AfterSales.Quality.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AfterSales.Quality.sln above {AppContext.BaseDirectory}.");
    }

    public static TheoryData<string> Projects() =>
        [.. Directory.EnumerateFiles(Path.Combine(Root(), "src"), "*.csproj", SearchOption.AllDirectories).Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)];

    private static string Property(string project, string name)
    {
        var path = Directory.EnumerateFiles(Path.Combine(Root(), "src"), project + ".csproj", SearchOption.AllDirectories).Single();
        var start = new ProcessStartInfo("dotnet", ["msbuild", path, "-nologo", "-p:Configuration=Release", "-p:TargetFramework=net10.0", $"-getProperty:{name}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MSBUILDNOINPROCNODE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild -getProperty:{name} {project} failed: {output.Result} {error.Result}");
        return output.Result.Trim();
    }

    [Fact]
    public void The_last_release_is_recorded()
    {
        var props = XDocument.Load(Path.Combine(Root(), "Directory.Build.props"));
        var released = props.Descendants("AfterSalesReleasedVersion").Single().Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", released);
        Assert.Contains($"## [{released}] - ", File.ReadAllText(Path.Combine(Root(), "CHANGELOG.md")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_released_package_is_validated_against_its_released_nupkg(string project)
    {
        var baseline = Property(project, "PackageValidationBaselinePath");
        if (NewSinceRelease.Contains(project))
        {
            Assert.Equal("", baseline);
            return;
        }

        Assert.Equal("true", Property(project, "EnablePackageValidation"));
        Assert.True(File.Exists(baseline), $"{project}: no baseline package at '{baseline}'");
        Assert.StartsWith(Path.Combine(Root(), "eng", "package-baseline") + Path.DirectorySeparatorChar, baseline, StringComparison.Ordinal);
        Assert.StartsWith(project + ".", Path.GetFileName(baseline), StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(baseline);
        foreach (var framework in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/{framework}/{project}.dll");
        }
    }
}
