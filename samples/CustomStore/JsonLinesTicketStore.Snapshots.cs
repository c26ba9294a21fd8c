using System.Text;
using AfterSales.Quality.Storage;

namespace AfterSales.Quality.Samples.CustomStore;

/// <summary>
/// Read-model snapshots as files beside the log (<c>tickets.jsonl.snapshots/NAME.snapshot</c>): a snapshot is written
/// to a temporary file, flushed to disk, then renamed over the previous one, so a reader finds the old file or the new
/// one, never a torn one. The ticket log's lock is not taken: appends go on while a snapshot is written.
/// </summary>
public sealed partial class JsonLinesTicketStore : ISnapshotStore
{
    /// <summary>The directory the snapshots are kept in.</summary>
    public string SnapshotDirectory => Path + ".snapshots";

    /// <inheritdoc />
    public async ValueTask<byte[]?> ReadSnapshotAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        var path = SnapshotPath(name);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(string name, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        Directory.CreateDirectory(SnapshotDirectory);
        var path = SnapshotPath(name);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, FileOptions.Asynchronous))
            {
                await file.WriteAsync(snapshot, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing left when the rename happened
        }
    }

    /// <summary>The file of a snapshot: letters, digits, '.', '-' and '_' kept, every other byte of the name as %XX.</summary>
    private string SnapshotPath(string name)
    {
        var file = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && file.Length > 0))
            {
                file.Append(c);
            }
            else
            {
                file.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return System.IO.Path.Combine(SnapshotDirectory, file + ".snapshot");
    }
}
