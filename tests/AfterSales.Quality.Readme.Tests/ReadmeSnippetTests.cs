using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AfterSales.Quality.Readme.Tests;

/// <summary>
/// Every C# block of the README, pasted as it is into a new console app (implicit usings on, the
/// library's packages referenced), compiles without a warning and runs to the end.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    [GeneratedRegex(@"^```csharp( compile-only)?\r?\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    /// <summary>The global usings of a new console app (ImplicitUsings=enable).</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

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

    /// <summary>The READMEs whose blocks are checked: the repository's and each package's (src/*/README.md, shown on nuget.org).</summary>
    internal static IReadOnlyList<string> Readmes()
    {
        var root = RepositoryRoot();
        return ["README.md", .. Directory.EnumerateFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/')).OrderBy(path => path.Split('/')[1], StringComparer.Ordinal)];
    }

    /// <summary>A README's C# blocks; a block fenced <c>```csharp compile-only</c> needs a server (PostgreSQL, a host) and is compiled, not run.</summary>
    internal static IReadOnlyList<(string Source, bool Run)> Blocks(string readme = "README.md") =>
        CSharpBlock().Matches(File.ReadAllText(Path.Combine(RepositoryRoot(), readme))).Select(m => (m.Groups[2].Value, !m.Groups[1].Success)).ToList();

    public static TheoryData<int> BlockNumbers()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Blocks().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static TheoryData<string> PackageReadmes() => new(Readmes().Skip(1));

    [Fact]
    public void Every_package_has_its_own_readme_with_an_example()
    {
        var root = RepositoryRoot();
        var packages = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories).Select(p => Path.GetFileName(Path.GetDirectoryName(p))!).Order(StringComparer.Ordinal);
        Assert.Equal(packages, Readmes().Skip(1).Select(r => r.Split('/')[1]));
        Assert.All(Readmes().Skip(1), readme =>
        {
            var text = File.ReadAllText(Path.Combine(root, readme));
            Assert.Contains("dotnet add package " + readme.Split('/')[1], text, StringComparison.Ordinal);
            Assert.Contains("https://github.com/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("](docs/", text, StringComparison.Ordinal); // relative links break on the package page
            Assert.DoesNotContain("](samples/", text, StringComparison.Ordinal);
        });
    }

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void A_package_readme_block_compiles_and_runs_as_pasted(string readme)
    {
        foreach (var (source, run) in Blocks(readme))
        {
            CompileAndRun(source, $"{readme} block", run);
        }
    }

    [Fact]
    public void The_readme_has_its_csharp_blocks()
    {
        // Guards the theory against a README whose blocks stopped being found (a changed fence).
        Assert.True(Blocks().Count >= 3, $"{Blocks().Count} C# blocks found in README.md");
    }

    [Theory]
    [MemberData(nameof(BlockNumbers))]
    public void A_readme_block_compiles_and_runs_as_pasted(int block)
    {
        var (source, run) = Blocks()[block];
        CompileAndRun(source, $"README.md block {block}", run);
    }

    private static void CompileAndRun(string source, string name, bool run)
    {
        var block = name.GetHashCode(StringComparison.Ordinal) & 0x7fffffff;
        var compilation = CSharpCompilation.Create(
            $"ReadmeBlock{block}",
            [
                CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: name),
                CSharpSyntaxTree.ParseText(ImplicitUsings, new CSharpParseOptions(LanguageVersion.Latest)),
            ],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS8019").Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success && problems.Count == 0, $"{name} does not compile as pasted:\n{string.Join("\n", problems)}\n---\n{source}");
        if (!run)
        {
            return;
        }

        var workingDirectory = Directory.CreateTempSubdirectory("readme-block-");
        var previous = Environment.CurrentDirectory;
        var output = new StringWriter();
        var console = Console.Out;
        try
        {
            Environment.CurrentDirectory = workingDirectory.FullName;
            Console.SetOut(output);
            var entry = Assembly.Load(image.ToArray()).EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = previous;
            workingDirectory.Delete(recursive: true);
        }
    }

    /// <summary>The runtime's assemblies and the test's own dependencies (the library's packages).</summary>
    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(path).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))
            .Select(path => MetadataReference.CreateFromFile(path));
}
