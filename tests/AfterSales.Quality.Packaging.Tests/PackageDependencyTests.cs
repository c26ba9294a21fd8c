using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace AfterSales.Quality.Packaging.Tests;

/// <summary>
/// Packs every package of src/ (as <c>dotnet pack --no-build</c> would for a release) and pins the
/// dependencies each one declares: a stray dependency — a test library, a hosting package in a store,
/// a DI package in the core — fails the suite instead of reaching a user's dependency graph.
/// </summary>
public sealed class PackageDependencyTests
{
    /// <summary>What each package may depend on, and nothing else (ids; versions come from Directory.Packages.props).</summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["AfterSales.Quality"] = ["Microsoft.Extensions.Compliance.Abstractions", "Microsoft.Extensions.Logging.Abstractions", "NodaTime"],
        ["AfterSales.Quality.Calendars.ICalendar"] = ["AfterSales.Quality", "Ical.Net"],
        ["AfterSales.Quality.DependencyInjection"] = ["AfterSales.Quality", "Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Diagnostics.HealthChecks", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Options", "Microsoft.Extensions.Options.ConfigurationExtensions", "Polly.Core"],
        ["AfterSales.Quality.Import"] = ["AfterSales.Quality", "CsvHelper"],
        ["AfterSales.Quality.OpenTelemetry"] = ["AfterSales.Quality", "OpenTelemetry.Api"],
        ["AfterSales.Quality.Parquet"] = ["AfterSales.Quality", "Parquet.Net"],
        ["AfterSales.Quality.PostgreSql"] = ["AfterSales.Quality", "Npgsql"],
        ["AfterSales.Quality.PostgreSql.DependencyInjection"] = ["AfterSales.Quality.DependencyInjection", "AfterSales.Quality.PostgreSql"],
        ["AfterSales.Quality.Reporting"] = ["AfterSales.Quality", "CsvHelper", "ICU4N", "Lucene.Net.Analysis.SmartCn", "Microsoft.Extensions.Caching.Memory"],
        ["AfterSales.Quality.Reporting.Charts"] = ["AfterSales.Quality.Reporting", "ScottPlot"],
        ["AfterSales.Quality.Sqlite"] = ["AfterSales.Quality", "Microsoft.Data.Sqlite"],
        ["AfterSales.Quality.Sqlite.DependencyInjection"] = ["AfterSales.Quality.DependencyInjection", "AfterSales.Quality.Sqlite"],
        ["AfterSales.Quality.Storage.Specification"] = ["AfterSales.Quality", "xunit.assert", "xunit.extensibility.core"],
    };

    /// <summary>Dependencies a package adds on one target only (id, target framework as the nuspec names it).</summary>
    private static readonly Dictionary<(string Id, string Framework), string[]> ExtraOnTarget = new()
    {
        // Compliance.Abstractions' own dependency on net8.0, named at a patch every package source has.
        [("AfterSales.Quality", "net8.0")] = ["Microsoft.Extensions.ObjectPool"],
    };

    /// <summary>The targets every package is built for, as the nuspec's dependency groups name them.</summary>
    private static readonly string[] Targets = ["net10.0", "net8.0"];

    private static readonly Lazy<IReadOnlyDictionary<string, (XDocument Nuspec, string Readme, bool Icon)>> Packages = new(PackAll);

    private static string RepositoryRoot()
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

    /// <summary>The configuration this test was built in (bin/Release/… or bin/Debug/…): the src projects were built in it too.</summary>
    private static string Configuration() =>
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries) is var parts && Array.IndexOf(parts, "bin") is var bin and >= 0 && bin + 1 < parts.Length
            ? parts[bin + 1]
            : "Release";

    private static IReadOnlyDictionary<string, (XDocument Nuspec, string Readme, bool Icon)> PackAll()
    {
        var root = RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("aftersales-pack-").FullName;
        var result = new Dictionary<string, (XDocument, string, bool)>(StringComparer.Ordinal);
        foreach (var project in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var start = new ProcessStartInfo("dotnet", ["pack", project, "-c", Configuration(), "--no-build", "--nologo", "-o", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["MSBUILDNOINPROCNODE"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack {Path.GetFileName(project)} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
            }
        }

        foreach (var package in Directory.EnumerateFiles(output, "*.nupkg"))
        {
            using var zip = ZipFile.OpenRead(package);
            var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var stream = nuspec.Open();
            var document = XDocument.Load(stream);
            var id = document.Descendants().Single(e => e.Name.LocalName == "id").Value;
            var readme = zip.GetEntry("README.md") is { } entry ? new StreamReader(entry.Open()).ReadToEnd() : "";
            result[id] = (document, readme, zip.GetEntry("icon.png") is not null);
        }

        Directory.Delete(output, recursive: true);
        return result;
    }

    [Fact]
    public void Every_package_of_src_is_pinned_here_and_packs()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), Packages.Value.Keys.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> PackageIds() => new(Expected.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void A_package_declares_exactly_its_expected_dependencies(string id)
    {
        var (nuspec, readme, icon) = Packages.Value[id];
        var groups = nuspec.Descendants().Where(e => e.Name.LocalName == "group").ToArray();
        Assert.Equal(Targets, groups.Select(g => g.Attribute("targetFramework")?.Value ?? "").Order(StringComparer.Ordinal));
        foreach (var group in groups)
        {
            var framework = group.Attribute("targetFramework")!.Value;
            var expected = Expected[id].Concat(ExtraOnTarget.GetValueOrDefault((id, framework), [])).Order(StringComparer.Ordinal).ToArray();
            var dependencies = group.Elements().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal);
            Assert.True(
                expected.SequenceEqual(dependencies),
                $"{id} ({framework}) depends on [{string.Join(", ", dependencies)}]; expected [{string.Join(", ", expected)}].");
        }

        // The package's own metadata a user reads on nuget.org.
        string Meta(string name) => nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
        Assert.False(string.IsNullOrWhiteSpace(Meta("description")), $"{id}: no description");
        Assert.False(string.IsNullOrWhiteSpace(Meta("license")), $"{id}: no licence");
        Assert.False(string.IsNullOrWhiteSpace(Meta("releaseNotes")), $"{id}: no release notes");
        Assert.Equal(("README.md", "icon.png"), (Meta("readme"), Meta("icon")));
        Assert.True(icon, $"{id}: the icon is not in the package");
        Assert.StartsWith($"# {id}\n", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal); // its own README, not the repository's
    }
}
