using System.Globalization;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using CsvHelper;
using CsvHelper.Configuration;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>
/// The columns of a historical ticket file (one row per ticket). Defaults are the snake-case names
/// below; rename any to match your export. Required: <see cref="Key"/>, <see cref="ReceivedAt"/>,
/// <see cref="Customer"/>, <see cref="Contact"/>, <see cref="ProductModel"/>, <see cref="Description"/>,
/// <see cref="Category"/>. Times use <see cref="TimestampPattern"/> (ISO 8601 with offset by default).
/// </summary>
public sealed class TicketCsvMapping
{
    /// <summary>A short name of the source; ticket ids derive from it and <see cref="Key"/>.</summary>
    public string Source { get; set; } = "tickets";

    /// <summary>The timestamp pattern (NodaTime); with an offset (<c>o&lt;G&gt;</c>) or local in <see cref="TimeZone"/>.</summary>
    public string TimestampPattern { get; set; } = "uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<G>";

    /// <summary>
    /// The zone of local timestamps; null (the default) takes the service desk's zone, the numbering
    /// zone of the importer's <see cref="Tickets.TicketServiceOptions"/> (UTC unless configured).
    /// </summary>
    public DateTimeZone? TimeZone { get; set; }

    /// <summary>A cell value that means "no value" in this file (e.g. <c>?</c>, <c>NULL</c>); such cells read as empty. Null: only empty cells are empty.</summary>
    public string? NullToken { get; set; }

    /// <summary>The host's ticket number, unique per row (kept as the service ticket number). Default <c>ticket_number</c>.</summary>
    public string Key { get; set; } = "ticket_number";

    /// <summary>Received at. Default <c>received_at</c>.</summary>
    public string ReceivedAt { get; set; } = "received_at";

    /// <summary>Customer name. Default <c>customer</c>.</summary>
    public string Customer { get; set; } = "customer";

    /// <summary>Contact (phone or email). Default <c>contact</c>.</summary>
    public string Contact { get; set; } = "contact";

    /// <summary>Product model or service item. Default <c>product_model</c>.</summary>
    public string ProductModel { get; set; } = "product_model";

    /// <summary>Product line (optional column). Default <c>product_line</c>.</summary>
    public string ProductLine { get; set; } = "product_line";

    /// <summary>Channel (optional column; <c>phone</c> when absent). Default <c>channel</c>.</summary>
    public string Channel { get; set; } = "channel";

    /// <summary>Customer segment (optional column). Default <c>segment</c>.</summary>
    public string Segment { get; set; } = "segment";

    /// <summary>Description. Default <c>description</c>.</summary>
    public string Description { get; set; } = "description";

    /// <summary>Category (<c>product-fault</c>, <c>service-experience</c>, ...). Default <c>category</c>.</summary>
    public string Category { get; set; } = "category";

    /// <summary>Severity (<c>Cosmetic</c>, <c>SecondaryFunction</c>, <c>CoreFunction</c>, <c>SafetyRisk</c>; optional column). Default <c>severity</c>.</summary>
    public string Severity { get; set; } = "severity";

    /// <summary>Team / department (optional column). Default <c>team</c>.</summary>
    public string Team { get; set; } = "team";

    /// <summary>Agent (optional column; <c>unassigned</c> when absent). Default <c>agent</c>.</summary>
    public string Agent { get; set; } = "agent";

    /// <summary>First response time (optional column). Default <c>first_response_at</c>.</summary>
    public string FirstResponseAt { get; set; } = "first_response_at";

    /// <summary>Resolution time (optional column). Default <c>resolved_at</c>.</summary>
    public string ResolvedAt { get; set; } = "resolved_at";

    /// <summary>Solution; when empty, a resolved ticket records "Resolved in {Source}.". Default <c>solution</c>.</summary>
    public string Solution { get; set; } = "solution";

    /// <summary>Revisit time (optional column). Default <c>revisit_at</c>.</summary>
    public string RevisitAt { get; set; } = "revisit_at";

    /// <summary>Revisit score 1–5 (with a revisit time). Default <c>revisit_score</c>.</summary>
    public string RevisitScore { get; set; } = "revisit_score";

    /// <summary>Close time (optional column). Without a revisit the ticket is closed by its source (<see cref="CloseTicket.ClosedBySource"/>, no made-up revisit); without a resolution time it is resolved at this time first. Default <c>closed_at</c>.</summary>
    public string ClosedAt { get; set; } = "closed_at";

    /// <summary>CSAT 1–5 (optional column). Default <c>csat</c>.</summary>
    public string Csat { get; set; } = "csat";

    /// <summary>NPS answer 0–10 (optional column). Default <c>nps</c>.</summary>
    public string Nps { get; set; } = "nps";
}

/// <summary>
/// Imports historical tickets, one CSV row per ticket, through the real lifecycle: registration,
/// triage, assignment, first response, resolution, revisit, close and survey at the row's times.
/// A bad row (a missing field, an unparsable time, times out of order, a refused command) is
/// reported with its line and reason and nothing of it is recorded; the other rows import.
/// Re-running the file appends nothing.
/// </summary>
public sealed class TicketCsvImporter
{
    private readonly ITicketStore store;
    private readonly ISequenceStore sequences;
    private readonly TicketServiceOptions options;
    private readonly IClock clock;

    /// <summary>Creates the importer.</summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="sequences">The sequence store.</param>
    /// <param name="clock">The import's own clock (inject the host's <see cref="IClock"/>): a row stamped after its current instant is refused.</param>
    /// <param name="options">The ticket rules.</param>
    public TicketCsvImporter(ITicketStore store, ISequenceStore sequences, IClock clock, TicketServiceOptions? options = null)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.sequences = sequences ?? throw new ArgumentNullException(nameof(sequences));
        this.options = ImportOptions.For(options);
        this.options.Validate();
        this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
    }

    /// <summary>Imports a ticket file.</summary>
    /// <param name="csv">The CSV text with a header row.</param>
    /// <param name="mapping">The columns; defaults when null.</param>
    /// <param name="cancellationToken">Cancels between rows, never inside one.</param>
    /// <returns>What was imported and which rows were refused.</returns>
    /// <exception cref="QualityValidationException">The header lacks a required column (named).</exception>
    public async Task<ImportReport> ImportAsync(TextReader csv, TicketCsvMapping? mapping = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        mapping ??= new TicketCsvMapping();
        var parser = TimestampParser.Create(mapping.TimestampPattern, mapping.TimeZone ?? options.Numbering.TimeZone);
        var problems = new List<ImportProblem>();
        using var source = CsvSource.Open(csv, "TicketFile", mapping.NullToken, problems);
        var required = new[] { mapping.Key, mapping.ReceivedAt, mapping.Customer, mapping.Contact, mapping.ProductModel, mapping.Description, mapping.Category };
        var missing = required.Where(c => !source.Has(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new QualityValidationException("TicketFile", missing.Select(c => new ValidationError(c, "is a required column the header does not have.")).ToArray());
        }

        var now = clock.GetCurrentInstant();
        var importClock = new ImportClock();
        var service = new TicketService(store, sequences, importClock, options);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int tickets = 0;
        long appended = 0;
        while (source.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = source.Line;
            var key = source.Field(mapping.Key);
            try
            {
                if (key is not null && seen.TryGetValue(key, out var firstLine))
                {
                    throw new RowException($"'{mapping.Key}' value '{key}' repeats the ticket of line {firstLine}; a key names one ticket, so the row is skipped.");
                }

                if (key is not null)
                {
                    seen[key] = line;
                }

                var plan = await PlanAsync(mapping, parser, source.Field, key, now).ConfigureAwait(false);
                foreach (var (at, command) in plan)
                {
                    importClock.Now = at;
                    appended += (await service.ExecuteAsync(command, CancellationToken.None).ConfigureAwait(false)).NewEvents.Count;
                }

                tickets++;
            }
            catch (RowException ex)
            {
                problems.Add(new ImportProblem(line, key, ex.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                problems.Add(new ImportProblem(line, key, $"the row could not be written to the store ({ex.GetType().Name}: {ex.Message}); what was written stays and a re-run continues it."));
            }
        }

        return new ImportReport(source.RowsRead, tickets, appended, problems.OrderBy(p => p.LineNumber).ToArray());
    }

    private async Task<List<(Instant, TicketCommand)>> PlanAsync(TicketCsvMapping mapping, TimestampParser parser, Func<string?, string?> field, string? key, Instant now)
    {
        if (key is null)
        {
            throw new RowException($"'{mapping.Key}' is empty.");
        }

        Instant? Time(string column)
        {
            var text = field(column);
            if (text is null)
            {
                return null;
            }

            if (!parser.TryParse(text, out var at, out var error))
            {
                throw new RowException($"'{column}' value '{text}' is not a timestamp of pattern {mapping.TimestampPattern}: {error}");
            }

            return at < Instant.FromUtc(1970, 1, 1, 0, 0) || at > now
                ? throw new RowException($"'{column}' value '{text}' ({at}) is {(at > now ? $"after the import instant {now}" : "before 1970")}; the row is refused.")
                : at;
        }

        int? Number(string column, int min, int max)
        {
            var text = field(column);
            if (text is null)
            {
                return null;
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : throw new RowException($"'{column}' value '{text}' is not a whole number from {min} to {max}.");
        }

        var received = Time(mapping.ReceivedAt) ?? throw new RowException($"'{mapping.ReceivedAt}' is empty.");
        var responded = Time(mapping.FirstResponseAt);
        var resolved = Time(mapping.ResolvedAt);
        var revisited = Time(mapping.RevisitAt);
        var closed = Time(mapping.ClosedAt);
        var order = new (string Column, Instant? At)[] { (mapping.ReceivedAt, received), (mapping.FirstResponseAt, responded), (mapping.ResolvedAt, resolved), (mapping.RevisitAt, revisited), (mapping.ClosedAt, closed) };
        var previous = (Column: mapping.ReceivedAt, At: received);
        foreach (var (column, at) in order.Skip(1))
        {
            if (at is { } t)
            {
                if (t < previous.At)
                {
                    throw new RowException($"'{column}' ({t}) is before '{previous.Column}' ({previous.At}).");
                }

                previous = (column, t);
            }
        }

        if (revisited is not null && resolved is null)
        {
            throw new RowException($"'{mapping.RevisitAt}' needs '{mapping.ResolvedAt}'.");
        }

        TicketCategory category;
        ServiceChannel channel;
        Severity severity = Severity.Cosmetic;
        try
        {
            category = new TicketCategory(field(mapping.Category) ?? throw new RowException($"'{mapping.Category}' is empty."));
            channel = field(mapping.Channel) is { } c ? new ServiceChannel(c) : ServiceChannel.Phone;
        }
        catch (ArgumentException ex)
        {
            throw new RowException(ex.Message);
        }

        if (field(mapping.Severity) is { } severityText && !Enum.TryParse(severityText, ignoreCase: true, out severity))
        {
            throw new RowException($"'{mapping.Severity}' value '{severityText}' is not one of {string.Join(", ", Enum.GetNames<Severity>())}.");
        }

        var score = Number(mapping.RevisitScore, 1, 5);
        var csat = Number(mapping.Csat, 1, 5);
        var nps = Number(mapping.Nps, 0, 10);
        var id = ImportIds.Ticket(mapping.Source, key);
        var step = 0;
        Guid Next() => ImportIds.Command(mapping.Source, key, step++);
        var agent = field(mapping.Agent) ?? "unassigned";
        var commands = new List<(Instant, TicketCommand)>
        {
            (received, new RegisterTicket
            {
                TicketId = id, CommandId = Next(), Actor = "import",
                Intake = new TicketIntake
                {
                    CustomerName = field(mapping.Customer) ?? "", Contact = field(mapping.Contact) ?? "", ProductModel = field(mapping.ProductModel) ?? "",
                    ProductLine = field(mapping.ProductLine), Channel = channel, CustomerSegment = field(mapping.Segment), ReceivedAt = received,
                    Description = field(mapping.Description) ?? "", ServiceTicketNumber = key.Length <= 64 ? key : key[..64], Owner = "import",
                },
            }),
            (received, new TriageTicket { TicketId = id, CommandId = Next(), Actor = "import", Category = category, Assessment = new PriorityAssessment { Severity = severity }, Department = field(mapping.Team) }),
            (received, new AssignTicket { TicketId = id, CommandId = Next(), Actor = "import", Assignee = agent }),
            (received, new StartWork { TicketId = id, CommandId = Next(), Actor = agent }),
        };
        if (responded is { } r)
        {
            commands.Add((r, new RecordResponse { TicketId = id, CommandId = Next(), Actor = agent }));
        }

        if ((resolved ?? closed) is { } done)
        {
            // A ticket the source closed without a resolution time was resolved when it was closed, at the latest.
            commands.Add((done, new ResolveTicket { TicketId = id, CommandId = Next(), Actor = agent, Solution = field(mapping.Solution) ?? $"Resolved in {mapping.Source}." }));
        }

        if (revisited is { } v)
        {
            commands.Add((v, new RecordRevisit { TicketId = id, CommandId = Next(), Actor = "import", Method = RevisitMethod.Phone, Resolved = true, Score = score }));
        }

        if (closed is { } c2)
        {
            // Closed without a revisit: closed by its source (the reason recorded), as the event-log importer does — not a made-up revisit.
            commands.Add((c2, new CloseTicket { TicketId = id, CommandId = Next(), Actor = "import", ClosedBySource = revisited is null ? $"closed in {mapping.Source} without a revisit" : null }));
        }

        if (csat is not null || nps is not null)
        {
            commands.Add((closed ?? revisited ?? resolved ?? received, new RecordSurvey { TicketId = id, CommandId = Next(), Actor = "customer", Answers = new SurveyAnswers { Satisfaction = csat, LikelihoodToRecommend = nps } }));
        }

        // Dry-run the row on a scratch store so a refused command leaves nothing half-written.
        var scratchStore = new InMemoryTicketStore();
        var scratchClock = new ImportClock();
        var scratch = new TicketService(scratchStore, scratchStore, scratchClock, options);
        foreach (var (at, command) in commands)
        {
            scratchClock.Now = at;
            try
            {
                await scratch.ExecuteAsync(command).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
            {
                throw new RowException(ex.Message);
            }
        }

        return commands;
    }

    private sealed class RowException(string message) : Exception(message);
}
