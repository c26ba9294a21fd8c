using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>What a source activity means for the ticket lifecycle.</summary>
public enum ImportAction
{
    /// <summary>Nothing (the activity is kept out of the ticket history).</summary>
    Ignore = 0,

    /// <summary>The ticket is registered (the first row of a case always registers it).</summary>
    Register,

    /// <summary>Classified and prioritised.</summary>
    Triage,

    /// <summary>Assigned to the row's agent (a different agent later is a transfer); after a resolution this reopens the ticket.</summary>
    Assign,

    /// <summary>An agent takes the ticket in charge: assigned, work started, and the first one is the first response.</summary>
    TakeInCharge,

    /// <summary>Work (re)starts; after a resolution this reopens the ticket.</summary>
    StartWork,

    /// <summary>Waiting on the customer (the resolution clock pauses); after a resolution this reopens the ticket.</summary>
    AwaitCustomer,

    /// <summary>One support level up.</summary>
    Escalate,

    /// <summary>Resolved.</summary>
    Resolve,

    /// <summary>Closed in the source system: resolved if it was not; when nothing follows in the case, closed by its source (no revisit, the reason recorded; see <see cref="EventLogMapping.CloseBySource"/>).</summary>
    Close,

    /// <summary>Cancelled.</summary>
    Cancel,
}

/// <summary>A row that could not be imported.</summary>
/// <param name="LineNumber">The 1-based line in the file (the header is line 1).</param>
/// <param name="CaseId">The case or row key, if it could be read.</param>
/// <param name="Reason">Why.</param>
public sealed record ImportProblem(int LineNumber, string? CaseId, string Reason);

/// <summary>What an import did.</summary>
/// <param name="Rows">Data rows read.</param>
/// <param name="Tickets">Tickets in the file (cases, or rows of a ticket file).</param>
/// <param name="EventsAppended">Events appended to the store by this run (0 when the file was imported before).</param>
/// <param name="Problems">Rows skipped, each with its line and reason.</param>
public sealed record ImportReport(int Rows, int Tickets, long EventsAppended, IReadOnlyList<ImportProblem> Problems)
{
    /// <summary>Tickets whose every command the store had already recorded, so nothing of them was written again.</summary>
    public int UnchangedTickets { get; init; }

    /// <summary>Changes of imported rows the lifecycle could not express (a transfer of a resolved ticket, …), each with its line: imported rows whose change is reported rather than dropped.</summary>
    public IReadOnlyList<ImportProblem> Notices { get; init; } = [];

    /// <summary>
    /// Whether the export was recognised whole: the same text under the same mapping was imported cleanly into this store
    /// before (no problem, no notice of a row), so no row was parsed and nothing was written. Only on a store with
    /// <see cref="AfterSales.Quality.Storage.ITicketBatchStore"/>, for an export of at most 64 Mi characters.
    /// </summary>
    public bool ExportUnchanged { get; init; }
}

/// <summary>How far an import is.</summary>
/// <param name="Rows">Data rows read from the file (all of them once reading is done).</param>
/// <param name="CasesDone">Cases imported, skipped as unchanged or reported so far.</param>
/// <param name="Cases">Cases in the file.</param>
/// <param name="EventsAppended">Events appended so far (on the bulk path, with those of the transaction being filled).</param>
public sealed record ImportProgress(int Rows, int CasesDone, int Cases, long EventsAppended);

/// <summary>Deterministic ids, so re-running an import finds what it already imported.</summary>
/// <summary>The ticket rules an importer's own service runs with.</summary>
internal static class ImportOptions
{
    /// <summary>
    /// A copy of the host's rules (the defaults when null) that may record a closure by the source system: history
    /// another system closed without a revisit is kept as such; and a low survey score in imported history only warns
    /// (the source decided whether to re-process it), never reopens a closed ticket.
    /// </summary>
    public static TicketServiceOptions For(TicketServiceOptions? options)
    {
        var copy = (options ?? new TicketServiceOptions()).Copy();
        copy.AllowClosureBySource = true;
        copy.NegativeFeedback = copy.NegativeFeedback is null ? null! : copy.NegativeFeedback with { SurveyReopenWindow = TimeSpan.Zero };
        return copy;
    }
}

internal static class ImportIds
{
    public static TicketId Ticket(string source, string key) => new(Hash($"ticket|{source}|{key}"));

    /// <summary>The reserved id under which a source's last clean whole export is recorded (<see cref="ExportRecord"/>): never a case's ticket, whose ids hash another text.</summary>
    public static TicketId Export(string source) => new(Hash($"export|{source}"));

    public static Guid Command(string source, string key, int step) => Hash($"command|{source}|{key}|{step}");

    public static Guid Command(string source, string key, string rowIdentity) => Hash($"command|{source}|{key}|{rowIdentity}");

    /// <summary>A hex SHA-256 prefix of a row's cells (length-prefixed, so cell boundaries count).</summary>
    public static string ContentHash(IReadOnlyList<string> cells)
    {
        var text = new HashText();
        foreach (var cell in cells)
        {
            text.Cell(cell);
        }

        return text.Finish();
    }

    private static Guid Hash(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            SHA256.HashData(bytes.AsSpan(0, Encoding.UTF8.GetBytes(text, bytes)), digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        digest[6] = (byte)((digest[6] & 0x0F) | 0x50); // name-based layout, so the ids read as such
        digest[8] = (byte)((digest[8] & 0x3F) | 0x80);
        return new Guid(digest[..16]);
    }
}

/// <summary>
/// The text of a content hash, written as UTF-8 straight into a reused per-thread buffer: each cell as its
/// length (UTF-16 code units), ':', the cell and '|', byte for byte the text content hashes were first
/// computed over (so recorded source hashes and the command ids derived from row identities stay the same),
/// without building that text as a string.
/// </summary>
internal ref struct HashText
{
    [ThreadStatic]
    private static byte[]? shared;

    private byte[] buffer;
    private int length;

    public HashText()
    {
        buffer = shared ??= new byte[1024];
        length = 0;
    }

    /// <summary>Appends one cell.</summary>
    public void Cell(string cell) => Cell(cell.AsSpan());

    /// <summary>Appends one cell.</summary>
    public void Cell(ReadOnlySpan<char> cell)
    {
        Ensure(11 + 2 + Encoding.UTF8.GetMaxByteCount(cell.Length));
        cell.Length.TryFormat(buffer.AsSpan(length), out var digits, default, CultureInfo.InvariantCulture);
        length += digits;
        buffer[length++] = (byte)':';
        length += Encoding.UTF8.GetBytes(cell, buffer.AsSpan(length));
        buffer[length++] = (byte)'|';
    }

    /// <summary>Appends one cell that is two parts and a number, <c>a|b|n</c>, without making it a string.</summary>
    public void Cell(string a, string b, int n)
    {
        Span<char> number = stackalloc char[11];
        n.TryFormat(number, out var digits, default, CultureInfo.InvariantCulture);
        var cell = a.Length + 1 + b.Length + 1 + digits;
        Ensure(11 + 4 + Encoding.UTF8.GetMaxByteCount(a.Length + b.Length) + digits);
        cell.TryFormat(buffer.AsSpan(length), out var written, default, CultureInfo.InvariantCulture);
        length += written;
        buffer[length++] = (byte)':';
        length += Encoding.UTF8.GetBytes(a, buffer.AsSpan(length));
        buffer[length++] = (byte)'|';
        length += Encoding.UTF8.GetBytes(b, buffer.AsSpan(length));
        buffer[length++] = (byte)'|';
        length += Encoding.UTF8.GetBytes(number[..digits], buffer.AsSpan(length));
        buffer[length++] = (byte)'|';
    }

    /// <summary>The hex SHA-256 prefix (12 bytes, upper case) of the text written.</summary>
    public readonly string Finish()
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.AsSpan(0, length), digest);
        return Convert.ToHexString(digest[..12]);
    }

    private void Ensure(int more)
    {
        if (length + more > buffer.Length)
        {
            var larger = new byte[Math.Max(buffer.Length * 2, length + more)];
            buffer.AsSpan(0, length).CopyTo(larger);
            buffer = shared = larger;
        }
    }
}

/// <summary>A clock the importer sets to each source timestamp.</summary>
internal sealed class ImportClock : IClock
{
    public Instant Now { get; set; }

    public Instant GetCurrentInstant() => Now;
}
