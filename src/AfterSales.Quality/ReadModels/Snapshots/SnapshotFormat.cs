using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Calendars;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>
/// The bytes of a read-model snapshot: a header (magic, format version, read-model kind, the version string of what
/// shaped the payload, the settings fingerprint, the feed position covered and the event at it), the payload, and a
/// SHA-256 of everything before it. A snapshot is trusted only when every part matches what the reading host would build.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>The envelope's version: bump when the header or any payload's encoding changes.</summary>
    public const int FormatVersion = 1;

    private const int ChecksumLength = 32;

    private static ReadOnlySpan<byte> Magic => "ASQSNAP\n"u8;

    /// <summary>The library's version, part of every snapshot's version: what a read model holds is what this build measured.</summary>
    public static string LibraryVersion { get; } = typeof(SnapshotFormat).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>
    /// The size and field layout of <see cref="TicketFact"/>: facts are stored as their bytes, so a snapshot written
    /// with another layout (a field added, moved or resized) is rebuilt rather than read wrongly.
    /// </summary>
    public static string FactLayout { get; } = DescribeLayout();

    /// <summary>Writes a snapshot.</summary>
    public static byte[] Encode(SnapshotHeader header, Action<SnapshotPayloadWriter> payload)
    {
        var writer = new SnapshotPayloadWriter();
        writer.WriteBytes(Magic);
        writer.WriteInt32(FormatVersion);
        writer.WriteString(header.Kind);
        writer.WriteString(header.Version);
        writer.WriteString(header.Settings);
        writer.WriteInt64(header.Anchor.Position);
        writer.WriteGuid(header.Anchor.TicketId.Value);
        writer.WriteInt64(header.Anchor.Version);
        var lengthAt = writer.Length;
        writer.WriteInt64(0);
        var payloadStart = writer.Length;
        payload(writer);
        writer.PatchInt64(lengthAt, writer.Length - payloadStart);
        var hash = SHA256.HashData(writer.Written);
        writer.WriteBytes(hash);
        return writer.ToArray();
    }

    /// <summary>Checks a snapshot against what the reading host expects; on success the payload is ready to read.</summary>
    public static SnapshotCheck Check(byte[] bytes, string kind, string version, string settings)
    {
        var span = bytes.AsSpan();
        var looksLikeSnapshot = span.Length >= Magic.Length ? span[..Magic.Length].SequenceEqual(Magic) : Magic.StartsWith(span);
        if (!looksLikeSnapshot)
        {
            return SnapshotCheck.Fail(SnapshotStatus.Corrupt, "not a read-model snapshot (no snapshot header).");
        }

        if (span.Length < Magic.Length + 4)
        {
            return SnapshotCheck.Fail(SnapshotStatus.Truncated, $"{span.Length} bytes: shorter than a snapshot header.");
        }

        SnapshotHeader header;
        long payloadLength;
        int payloadStart;
        var reader = new SnapshotPayloadReader(bytes, Magic.Length);
        try
        {
            var format = reader.ReadInt32();
            if (format != FormatVersion)
            {
                return SnapshotCheck.Fail(SnapshotStatus.OtherVersion, $"snapshot format {format}; this library reads format {FormatVersion}.");
            }

            header = new SnapshotHeader(reader.ReadString(), reader.ReadString(), reader.ReadString(), new FeedAnchor(reader.ReadInt64(), new TicketId(reader.ReadGuid()), reader.ReadInt64()));
            payloadLength = reader.ReadInt64();
            payloadStart = reader.Offset;
        }
        catch (SnapshotFormatException)
        {
            return SnapshotCheck.Fail(SnapshotStatus.Truncated, $"{bytes.Length} bytes: the header is cut short.");
        }

        if (payloadLength < 0 || payloadStart + payloadLength + ChecksumLength != bytes.Length)
        {
            return payloadLength >= 0 && bytes.Length < payloadStart + payloadLength + ChecksumLength
                ? SnapshotCheck.Fail(SnapshotStatus.Truncated, $"{bytes.Length} bytes; the header announces {payloadStart + payloadLength + ChecksumLength}.")
                : SnapshotCheck.Fail(SnapshotStatus.Corrupt, $"{bytes.Length} bytes; the header announces {payloadStart + payloadLength + ChecksumLength}.");
        }

        var end = (int)(payloadStart + payloadLength);
        if (!SHA256.HashData(span[..end]).AsSpan().SequenceEqual(span[end..]))
        {
            return SnapshotCheck.Fail(SnapshotStatus.Corrupt, "the checksum does not match the content.");
        }

        if (!string.Equals(header.Kind, kind, StringComparison.Ordinal))
        {
            return SnapshotCheck.Fail(SnapshotStatus.OtherVersion, $"a snapshot of '{header.Kind}', not of '{kind}'.");
        }

        if (!string.Equals(header.Version, version, StringComparison.Ordinal))
        {
            return SnapshotCheck.Fail(SnapshotStatus.OtherVersion, $"written as '{header.Version}'; this host builds '{version}'.");
        }

        if (!string.Equals(header.Settings, settings, StringComparison.Ordinal))
        {
            return SnapshotCheck.Fail(SnapshotStatus.OtherSettings, $"built under settings {header.Settings}; this host's are {settings}.");
        }

        return new SnapshotCheck(SnapshotStatus.Restored, "", header, new SnapshotPayloadReader(bytes, payloadStart, end));
    }

    /// <summary>A fingerprint of everything in a policy set that shapes a clock or a measure: policies, targets, calendars, thresholds.</summary>
    public static string Fingerprint(SlaPolicySet policies, params string[] more)
    {
        var text = new StringBuilder();
        foreach (var policy in policies.Policies)
        {
            text.Append("policy ").Append(policy.Name).Append('|').AppendJoin(',', policy.Priorities).Append('|').AppendJoin(',', policy.Categories)
                .Append('|').AppendJoin(',', policy.Channels).Append('|').AppendJoin(',', policy.CustomerSegments).Append('\n');
            foreach (var target in policy.Targets)
            {
                text.Append(" target ").Append(target.Kind).Append(' ').Append(target.Duration.ToInt64Nanoseconds().ToString(CultureInfo.InvariantCulture)).Append(' ').Append(target.Calendar).Append('\n');
            }
        }

        foreach (var (name, calendar) in policies.Calendars.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append("calendar ").Append(name).Append('=').Append(Describe(calendar)).Append('\n');
        }

        text.Append("thresholds ").AppendJoin(',', policies.WarningThresholds.Select(t => t.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        text.Append("escalation-warning ").Append(policies.EscalationWarningLeadTime.ToInt64Nanoseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var item in more)
        {
            text.Append(item).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Describe(BusinessCalendar calendar)
    {
        var text = new StringBuilder();
        text.Append(calendar.Name).Append(' ').Append(calendar.Zone.Id).Append(' ').Append(calendar.UncoveredDates).Append(' ')
            .AppendJoin(',', calendar.CoveredYears ?? []).Append(' ').Append(calendar.ScheduleFingerprint()).Append(' ');
        foreach (var (date, name) in calendar.HolidayNames.OrderBy(h => h.Key))
        {
            text.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(':').Append(name).Append(';');
        }

        return text.ToString();
    }

    private static string DescribeLayout()
    {
        var type = typeof(TicketFact);
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Select(f => (Offset: (long)Marshal.OffsetOf(type, f.Name), f.Name, Type: f.FieldType.Name))
            .OrderBy(f => f.Offset).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Offset}:{f.Name}:{f.Type}"));
        return string.Create(CultureInfo.InvariantCulture, $"TicketFact {Unsafe.SizeOf<TicketFact>()} B {string.Join(',', fields)}");
    }
}

/// <summary>The header of a snapshot.</summary>
/// <param name="Kind">The read model.</param>
/// <param name="Version">What shaped the payload: the library version, and the fact layout for facts.</param>
/// <param name="Settings">The fingerprint of the options the read model was built under.</param>
/// <param name="Anchor">The feed position covered and the event at it.</param>
internal sealed record SnapshotHeader(string Kind, string Version, string Settings, FeedAnchor Anchor);

/// <summary>The last feed position a snapshot covers and the event recorded there (its ticket and version): 0 and empty for an empty feed.</summary>
internal readonly record struct FeedAnchor(long Position, TicketId TicketId, long Version);

/// <summary>The outcome of checking a snapshot's bytes.</summary>
internal sealed record SnapshotCheck(SnapshotStatus Status, string Detail, SnapshotHeader? Header, SnapshotPayloadReader? Payload)
{
    public static SnapshotCheck Fail(SnapshotStatus status, string detail) => new(status, detail, null, null);
}

/// <summary>A payload that does not decode (it passed its checksum, so written by a faulty writer).</summary>
internal sealed class SnapshotFormatException(string message) : Exception(message);

/// <summary>Appends little-endian values to a growing buffer.</summary>
internal sealed class SnapshotPayloadWriter
{
    private byte[] buffer = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, Length);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void WriteGuid(Guid value) => value.TryWriteBytes(Take(16));

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        Encoding.UTF8.GetBytes(value, Take(count));
    }

    public void PatchInt64(int at, long value) => BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at, 8), value);

    public byte[] ToArray() => Length == buffer.Length ? buffer : buffer.AsSpan(0, Length).ToArray();

    private Span<byte> Take(int count)
    {
        if (Length + count > buffer.Length)
        {
            Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, Math.Max((long)buffer.Length * 2, (long)Length + count)));
        }

        var span = buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}

/// <summary>Reads little-endian values of a payload, refusing to read past its end.</summary>
internal sealed class SnapshotPayloadReader(byte[] bytes, int offset, int end)
{
    public SnapshotPayloadReader(byte[] bytes, int offset)
        : this(bytes, offset, bytes.Length)
    {
    }

    public int Offset { get; private set; } = offset;

    public bool AtEnd => Offset == end;

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public Guid ReadGuid() => new(Take(16));

    /// <summary>A count of items of <paramref name="itemSize"/> bytes that must fit in what is left.</summary>
    public int ReadCount(int itemSize)
    {
        var count = ReadInt32();
        return count >= 0 && (long)count * itemSize <= end - Offset ? count : throw new SnapshotFormatException($"a count of {count} at byte {Offset - 4} does not fit the payload.");
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public string ReadString() => Encoding.UTF8.GetString(Take(ReadCount(1)));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > end - Offset)
        {
            throw new SnapshotFormatException($"{count} bytes at byte {Offset} run past the end ({end}).");
        }

        var span = bytes.AsSpan(Offset, count);
        Offset += count;
        return span;
    }
}
