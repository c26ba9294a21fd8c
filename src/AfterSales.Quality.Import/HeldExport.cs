using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace AfterSales.Quality.Import;

/// <summary>
/// An export's text held in memory in blocks while it is read once more by the CSV parser, so the whole file
/// can be fingerprinted before any row is parsed: an export imported cleanly before under the same mapping is
/// recognised whole and costs one hash instead of a parse. Up to <see cref="Limit"/> characters are held; a
/// longer export is read on from its reader (the blocks first) and has no fingerprint, so it is imported case
/// by case as before.
/// </summary>
internal sealed class HeldExport : TextReader
{
    /// <summary>The most characters held (64 Mi: 128 MiB of text); a longer export is not fingerprinted.</summary>
    public const int Limit = 64 * 1024 * 1024;

    private const int BlockSize = 64 * 1024;
    private readonly List<char[]> blocks;
    private readonly int lastLength;
    private readonly TextReader? rest;
    private int block;
    private int offset;

    private HeldExport(List<char[]> blocks, int lastLength, TextReader? rest)
    {
        this.blocks = blocks;
        this.lastLength = lastLength;
        this.rest = rest;
    }

    /// <summary>Whether the whole export is held (it ended within <see cref="Limit"/>).</summary>
    public bool Complete => rest is null;

    /// <summary>Reads up to <paramref name="limit"/> characters of <paramref name="source"/> into memory.</summary>
    public static HeldExport Hold(TextReader source, int limit = Limit)
    {
        var blocks = new List<char[]>();
        var held = 0;
        while (true)
        {
            var buffer = new char[BlockSize];
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = source.Read(buffer, filled, buffer.Length - filled)) > 0)
            {
                filled += read;
            }

            if (filled == 0 && blocks.Count > 0)
            {
                return new HeldExport(blocks, blocks[^1].Length, null);
            }

            blocks.Add(buffer);
            held += filled;
            if (filled < buffer.Length)
            {
                return new HeldExport(blocks, filled, null);
            }

            if (held >= limit)
            {
                return new HeldExport(blocks, filled, source);
            }
        }
    }

    /// <summary>
    /// SHA-256 (hex, upper case) of <paramref name="prefix"/> and the held text, both as UTF-16LE code units
    /// (the characters as read, so a BOM or line ending that changes changes it). Only of a complete export.
    /// </summary>
    public string Fingerprint(string prefix)
    {
        if (!Complete)
        {
            throw new InvalidOperationException("Only a complete export has a fingerprint.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(prefix));
        hash.AppendData([0]);
        for (var i = 0; i < blocks.Count; i++)
        {
            var chars = blocks[i].AsSpan(0, i == blocks.Count - 1 ? lastLength : BlockSize);
            if (BitConverter.IsLittleEndian)
            {
                hash.AppendData(MemoryMarshal.AsBytes(chars));
            }
            else
            {
                foreach (var c in chars)
                {
                    hash.AppendData([(byte)c, (byte)(c >> 8)]);
                }
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <inheritdoc />
    public override int Peek()
    {
        if (Current().IsEmpty)
        {
            return rest?.Peek() ?? -1;
        }

        return Current()[0];
    }

    /// <inheritdoc />
    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <inheritdoc />
    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    /// <inheritdoc />
    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var current = Current();
        if (current.IsEmpty)
        {
            return rest?.Read(buffer) ?? 0;
        }

        var n = Math.Min(buffer.Length, current.Length);
        current[..n].CopyTo(buffer);
        offset += n;
        return n;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        blocks.Clear();
        block = 0;
        offset = 0;
        base.Dispose(disposing);
    }

    // The unread part of the current block, moving to the next block when one is read up.
    private ReadOnlySpan<char> Current()
    {
        while (block < blocks.Count)
        {
            var length = block == blocks.Count - 1 ? lastLength : BlockSize;
            if (offset < length)
            {
                return blocks[block].AsSpan(offset, length - offset);
            }

            block++;
            offset = 0;
        }

        return [];
    }
}
