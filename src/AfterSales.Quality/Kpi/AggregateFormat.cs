namespace AfterSales.Quality.Kpi;

/// <summary>Reading the byte forms of <see cref="KpiAggregate"/> and <see cref="QuantileSketch"/>: every malformed input is a <see cref="FormatException"/>.</summary>
internal static class AggregateFormat
{
    public static T Read<T>(ReadOnlySpan<byte> bytes, string what, Func<BinaryReader, T> read)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream);
        T value;
        try
        {
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

    public static void CheckVersion(byte version, byte expected, string what)
    {
        if (version != expected)
        {
            throw new FormatException($"{what}: format version {version}; this version reads {expected}.");
        }
    }

    public static long ReadCount(BinaryReader reader, string what)
    {
        var count = reader.Read7BitEncodedInt64();
        return count >= 0 ? count : throw new FormatException($"{what} {count} is negative.");
    }
}
