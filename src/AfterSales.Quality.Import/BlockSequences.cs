using AfterSales.Quality.Numbering;

namespace AfterSales.Quality.Import;

/// <summary>
/// The importer's sequence numbers drawn in blocks from a store that offers them (<see cref="ISequenceBlockStore"/>): a
/// key's first block holds 8 numbers, each next one twice as many up to 512, so a day of registrations costs a handful of
/// store statements instead of one transaction each; <see cref="ReleaseAsync"/> gives every unused tail back at the end
/// of the import, so the numbers stay gap-free unless someone else drew the same key meanwhile. Not thread-safe (the
/// importer is sequential).
/// </summary>
internal sealed class BlockSequences(ISequenceBlockStore store) : ISequenceStore
{
    private const int FirstBlock = 8;
    private const int LargestBlock = 512;
    private readonly Dictionary<string, Block> blocks = new(StringComparer.Ordinal);

    /// <summary>The store's block form when it has one, else the store itself.</summary>
    public static ISequenceStore Over(ISequenceStore sequences) => sequences is ISequenceBlockStore blockStore ? new BlockSequences(blockStore) : sequences;

    /// <inheritdoc />
    public async ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (!blocks.TryGetValue(key, out var block) || block.Next == block.End)
        {
            var size = block is null ? FirstBlock : Math.Min(LargestBlock, block.Size * 2);
            var first = await store.ReserveAsync(key, size, cancellationToken).ConfigureAwait(false);
            blocks[key] = block = new Block { Next = first, End = first + size, Size = size };
        }

        return block.Next++;
    }

    /// <summary>Gives every unused tail back to the store (each only if nothing was drawn after it). Failures are swallowed: a tail not given back is a gap, never a repeat.</summary>
    public async Task ReleaseAsync()
    {
        foreach (var (key, block) in blocks)
        {
            if (block.Next < block.End)
            {
                try
                {
                    await store.ReleaseAsync(key, block.Next, (int)(block.End - block.Next), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The store could not take the tail back (it is unavailable, say): those numbers stay unused.
                }
            }
        }

        blocks.Clear();
    }

    private sealed class Block
    {
        public long Next { get; set; }

        public long End { get; init; }

        public int Size { get; init; }
    }
}
