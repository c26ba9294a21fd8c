using System.Text.RegularExpressions;

namespace AfterSales.Quality.Tests.Architecture;

/// <summary>
/// A reader finds a type's room by name: in every project under src/ and tests/ a file's namespace
/// is the project's name followed by its folders (top-level programs without a namespace aside).
/// </summary>
public sealed partial class NamespaceFolderTests
{
    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    internal static string RepositoryRoot()
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

    public static TheoryData<string> Projects()
    {
        var root = RepositoryRoot();
        var data = new TheoryData<string>();
        foreach (var project in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.csproj", SearchOption.AllDirectories))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, Path.GetDirectoryName(project)!).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_namespace_matches_its_folder(string project)
    {
        var directory = Path.Combine(RepositoryRoot(), project);
        var name = Path.GetFileName(directory);
        var wrong = new List<string>();
        var files = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var folder = Path.GetRelativePath(directory, Path.GetDirectoryName(file)!);
            var expected = folder == "." ? name : $"{name}.{folder.Replace(Path.DirectorySeparatorChar, '.')}";
            foreach (Match declaration in NamespaceDeclaration().Matches(File.ReadAllText(file)))
            {
                if (declaration.Groups[1].Value != expected)
                {
                    wrong.Add($"{Path.GetRelativePath(directory, file)}: namespace {declaration.Groups[1].Value}, folder says {expected}");
                }
            }
        }

        Assert.Empty(wrong);
    }
}
