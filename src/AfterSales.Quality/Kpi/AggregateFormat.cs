namespace AfterSales.Quality.Kpi;

/// <summary>Reading the byte forms of <see cref="KpiAggregate"/> and <see cref="QuantileSketch"/>: every malformed input is a <see cref="FormatException"/>.</summary>
internal static class AggregateFormat
{
    /// <summary>The bytes of a format version followed by what <paramref name="write"/> writes.</summary>
    public static byte[] Write(byte version, Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(version);
            write(writer);
        }

        return stream.ToArray();
    }

    /// <summary>Checks the format version, reads the rest with <paramref name="read"/> and checks nothing is left; every malformed input is a <see cref="FormatException"/>.</summary>
    public static T Read<T>(ReadOnlySpan<byte> bytes, string what, byte version, Func<BinaryReader, T> read)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream);
        T value;
        try
        {
            var found = reader.ReadByte();
            if (found != version)
            {
                throw new FormatException($"{what}: format version {found}; this version reads {version}.");
            }

            value = read(reader);
        }
        catch (EndOfStreamException)
        {
            throw new FormatException($"{what}: the bytes end too early ({bytes.Length} bytes).");
        }
        catch (OverflowException)
        {
            throw new FormatException($"{what}: counts add up beyond a 64-bit count.");
        }
        catch (FormatException e) when (!e.Message.StartsWith(what, StringComparison.Ordinal))
        {
            throw new FormatException($"{what}: {e.Message}", e);
        }

        if (stream.Position != stream.Length)
        {
            throw new FormatException($"{what}: {stream.Length - stream.Position} bytes after the end.");
        }

        return value;
    }

    public static long ReadCount(BinaryReader reader, string what)
    {
        var count = reader.Read7BitEncodedInt64();
        return count >= 0 ? count : throw new FormatException($"{what} {count} is negative.");
    }
}
