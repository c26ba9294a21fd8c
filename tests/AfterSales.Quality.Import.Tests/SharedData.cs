using System.IO.Compression;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// The real event logs vendored in the repository (samples/data/event-logs, gzip; source and licence in
/// its README), so the tests run on a fresh clone with nothing beside it.
/// </summary>
internal static class SharedData
{
    public static string PathOf(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AfterSales.Quality.sln")))
            {
                var path = Path.Combine(dir.FullName, "samples", "data", "event-logs", name);
                return File.Exists(path) ? path : throw new FileNotFoundException($"The vendored event log {path} is missing from the repository.", path);
            }
        }

        throw new DirectoryNotFoundException("The repository root (AfterSales.Quality.sln) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A reader over the decompressed log.</summary>
    public static StreamReader Open(string name) => new(new GZipStream(File.OpenRead(PathOf(name)), CompressionMode.Decompress));

    /// <summary>The rows of a CSV without quoted fields (both logs have none), header excluded.</summary>
    public static List<string[]> Rows(string name)
    {
        using var reader = Open(name);
        var rows = new List<string[]>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                rows.Add(line.Split(','));
            }
        }

        return rows;
    }
}
