namespace AfterSales.Quality.Import.Tests;

/// <summary>Finds ../shared/data beside the repository (where CI and the developers have it).</summary>
internal static class SharedData
{
    public static string PathOf(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AfterSales.Quality.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", relative));
                return File.Exists(path) ? path : throw new FileNotFoundException($"The shared data file {path} is missing: the real event logs live in ../shared/data beside the repository.", path);
            }
        }

        throw new DirectoryNotFoundException("The repository root (AfterSales.Quality.sln) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The rows of a CSV without quoted fields (both shared logs have none), header excluded.</summary>
    public static List<string[]> Rows(string relative) =>
        File.ReadLines(PathOf(relative)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
}
