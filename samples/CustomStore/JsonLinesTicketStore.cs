using System.Runtime.CompilerServices;
using System.Text.Json;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Samples.CustomStore;

/// <summary>
/// A custom store an integrator could write: the ticket log, sequences and checkpoints in one
/// append-only JSON-lines file, with an in-memory index rebuilt when the file is opened.
/// </summary>
/// <remarks>
/// <para>
/// <b>One line per write.</b> An append is one line holding all of its events, a sequence step or
/// a checkpoint is one line too; each line is written with a single write and flushed to disk
/// (<c>fsync</c>) before the call returns, so a returned append is durable and an append is never
/// half on disk: a crash can at worst leave a torn last line, which <see cref="Open"/> cuts off.
/// </para>
/// <para>
/// <b>One lock.</b> Every write takes the same lock, checks the stream's version, writes and flushes,
/// then updates the index; so two writers can never both win a version and feed positions are
/// handed out in commit order without gaps. Reads take the lock only to copy from the index.
/// </para>
/// <para>
/// <b>One process.</b> The file is opened with <see cref="FileShare.None"/> (an exclusive lock on
/// Unix): a second store on the same file, in this or another process, fails to open. Use the SQLite or PostgreSQL
/// store when several processes write.
/// </para>
/// <para>
/// <b>Personal data.</b> Give a <see cref="IPersonalDataProtector"/>: the customer's name, contact and
/// address are then encrypted inside each line. An append-only log cannot rewrite history, so this
/// store does not implement <see cref="IPersonalDataEraser"/>; an erasure is still recorded as an
/// event and the ticket reads erased.
/// </para>
/// </remarks>
public sealed partial class JsonLinesTicketStore : ITicketStore, ISequenceStore, ICheckpointStore, IDisposable
{
    private const int FeedPage = 512;
    private static readonly JsonSerializerOptions LineJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly Lock gate = new();
    private readonly FileStream file;
    private readonly TicketEventSerializer serializer;
    private readonly Dictionary<TicketId, List<RecordedEvent>> streams = [];
    private readonly List<RecordedEvent> feed = [];
    private readonly Dictionary<string, long> sequences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> checkpoints = new(StringComparer.Ordinal);
    private bool disposed;

    private JsonLinesTicketStore(FileStream file, TicketEventSerializer serializer)
    {
        this.file = file;
        this.serializer = serializer;
    }

    /// <summary>The path of the log file.</summary>
    public string Path => file.Name;

    /// <summary>How many bytes of a torn last line <see cref="Open"/> cut off (0 when the file ended cleanly).</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>Opens (or creates) the store's log file and rebuilds the index from it.</summary>
    /// <param name="path">The log file, e.g. <c>data/tickets.jsonl</c>; its directory must exist.</param>
    /// <param name="protector">Encrypts the customer's personal data inside the file; null stores it as is.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or its directory does not exist.</exception>
    /// <exception cref="IOException">Another store has the file open.</exception>
    /// <exception cref="InvalidDataException">A line other than the last one is not a valid record: the file is damaged.</exception>
    public static JsonLinesTicketStore Open(string path, IPersonalDataProtector? protector = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new ArgumentException($"The directory of '{path}' does not exist; create it first.", nameof(path));
        }

        var file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
        var store = new JsonLinesTicketStore(file, new TicketEventSerializer(protector));
        try
        {
            store.Load();
            return store;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(streams.TryGetValue(ticketId, out var events)
                ? new TicketStream(ticketId, events.Count, events.ToArray())
                : new TicketStream(ticketId, 0, []));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(ticketId, expectedVersion, events);
        cancellationToken.ThrowIfCancellationRequested();
        var stored = events.Select(e =>
        {
            var (type, json) = serializer.Serialize(e);
            using var data = JsonDocument.Parse(json);
            return new StoredEvent(type, data.RootElement.Clone());
        }).ToArray();
        lock (gate)
        {
            ThrowIfDisposed();
            var actual = streams.TryGetValue(ticketId, out var stream) ? stream.Count : 0;
            if (actual != expectedVersion)
            {
                throw new TicketConcurrencyException(ticketId, expectedVersion, actual);
            }

            var position = feed.Count + 1;
            Write(new Line { Kind = LineKind.Append, Ticket = ticketId.Value, Version = expectedVersion + 1, Position = position, Events = stored });
            var recorded = new RecordedEvent[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                recorded[i] = new RecordedEvent(position + i, expectedVersion + i + 1, events[i]);
            }

            Index(ticketId, recorded);
            return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(recorded);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        var next = afterPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RecordedEvent[] page;
            lock (gate)
            {
                ThrowIfDisposed();
                var start = (int)Math.Min(next, feed.Count);
                page = feed.GetRange(start, Math.Min(FeedPage, feed.Count - start)).ToArray();
            }

            if (page.Length == 0)
            {
                yield break;
            }

            foreach (var e in page)
            {
                yield return e;
            }

            next = page[^1].Position;
            await Task.Yield();
        }
    }

    /// <inheritdoc />
    public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            ThrowIfDisposed();
            var value = sequences.GetValueOrDefault(key) + 1;
            Write(new Line { Kind = LineKind.Sequence, Key = key, Value = value });
            sequences[key] = value;
            return ValueTask.FromResult(value);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(checkpoints.GetValueOrDefault(projection));
        }
    }

    /// <inheritdoc />
    public ValueTask SetCheckpointAsync(string projection, long position, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            ThrowIfDisposed();
            Write(new Line { Kind = LineKind.Checkpoint, Key = projection, Value = position });
            checkpoints[projection] = position;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Closes the file. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                file.Dispose();
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    // Writes one line and flushes it to disk. If the write fails part-way, the file is cut back to
    // where it was, so no torn line stays in the middle of the log.
    private void Write(Line line)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, LineJson);
        var end = file.Length;
        try
        {
            file.Position = end;
            var buffer = new byte[bytes.Length + 1];
            bytes.CopyTo(buffer, 0);
            buffer[^1] = (byte)'\n';
            file.Write(buffer);
            file.Flush(flushToDisk: true);
        }
        catch
        {
            file.SetLength(end);
            throw;
        }
    }

    private void Load()
    {
        file.Position = 0;
        var content = new byte[file.Length];
        file.ReadExactly(content);
        var start = 0;
        var lineNumber = 0;
        while (start < content.Length)
        {
            lineNumber++;
            var newline = Array.IndexOf(content, (byte)'\n', start);
            Line? line = null;
            if (newline >= 0)
            {
                try
                {
                    line = JsonSerializer.Deserialize<Line>(content.AsSpan(start, newline - start), LineJson);
                }
                catch (JsonException)
                {
                }
            }

            if (line is null)
            {
                if (newline >= 0 && newline < content.Length - 1)
                {
                    throw new InvalidDataException($"{file.Name}: line {lineNumber} is not a valid record and is not the last line; the file is damaged.");
                }

                // A torn last line: the write that was under way when the process died. Cut it off.
                TruncatedBytes = content.Length - start;
                file.SetLength(start);
                file.Flush(flushToDisk: true);
                break;
            }

            Apply(line, lineNumber);
            start = newline + 1;
        }

        file.Position = file.Length;
    }

    private void Apply(Line line, int lineNumber)
    {
        switch (line.Kind)
        {
            case LineKind.Append when line is { Ticket: { } ticket, Version: { } version, Position: { } position, Events.Length: > 0 }:
                var id = new TicketId(ticket);
                var actual = streams.TryGetValue(id, out var stream) ? stream.Count : 0;
                if (version != actual + 1 || position != feed.Count + 1)
                {
                    throw new InvalidDataException($"{file.Name}: line {lineNumber} appends version {version} at position {position}, but the stream is at {actual} and the feed at {feed.Count}; the file is damaged.");
                }

                Index(id, line.Events.Select((e, i) => new RecordedEvent(position + i, version + i, serializer.Deserialize(e.Type, e.Data.GetRawText()))).ToArray());
                break;
            case LineKind.Sequence when line is { Key: { } key, Value: { } value }:
                sequences[key] = value;
                break;
            case LineKind.Checkpoint when line is { Key: { } name, Value: { } checkpoint }:
                checkpoints[name] = checkpoint;
                break;
            default:
                throw new InvalidDataException($"{file.Name}: line {lineNumber} is an incomplete '{line.Kind}' record; the file is damaged.");
        }
    }

    private void Index(TicketId ticketId, RecordedEvent[] recorded)
    {
        if (!streams.TryGetValue(ticketId, out var stream))
        {
            streams[ticketId] = stream = [];
        }

        stream.AddRange(recorded);
        feed.AddRange(recorded);
    }

    private enum LineKind
    {
        Append,
        Sequence,
        Checkpoint,
    }

    // One line of the log. Append: ticket, the first event's version and position, the events.
    // Sequence: key and the value handed out. Checkpoint: key (the projection) and the position.
    private sealed class Line
    {
        [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<LineKind>))]
        public LineKind Kind { get; init; }

        public Guid? Ticket { get; init; }

        public long? Version { get; init; }

        public long? Position { get; init; }

        public StoredEvent[]? Events { get; init; }

        public string? Key { get; init; }

        public long? Value { get; init; }
    }

    private sealed record StoredEvent(string Type, JsonElement Data);
}
