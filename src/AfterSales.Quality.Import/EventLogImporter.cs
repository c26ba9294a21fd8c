using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>
/// Imports an event log (one CSV row per status change) through the real ticket lifecycle: each
/// case becomes a registered ticket whose history is the mapped activities, with the steps the
/// lifecycle requires and the source leaves implicit (triage before assignment, assignment before
/// work, a reopen when work restarts after a resolution) added at the same instant. A bad row is
/// reported with its line and reason and skipped; a case that cannot be imported is reported and the
/// others import. Command ids derive from each source row's identity (case, ordering value, time and
/// content), so re-running the same file appends nothing and a changed file appends only what changed.
/// </summary>
public sealed class EventLogImporter
{
    private static readonly Instant Earliest = Instant.FromUtc(1970, 1, 1, 0, 0);

    /// <summary>Part of every source hash: a change of how rows become commands changes it, so a new version re-plans every case once.</summary>
    private const string SourceHashVersion = "aftersales-import-1";
    private readonly ITicketStore store;
    private readonly ISequenceStore sequences;
    private readonly TicketServiceOptions options;
    private readonly IClock clock;
    private int casesPerTransaction = 500;

    /// <summary>The most characters of an export held to fingerprint it (<see cref="HeldExport.Limit"/>; smaller in tests).</summary>
    internal int HeldLimit { get; init; } = HeldExport.Limit;

    /// <summary>Creates the importer.</summary>
    /// <param name="store">The ticket log to import into.</param>
    /// <param name="sequences">The sequence store for feedback and revisit numbers.</param>
    /// <param name="clock">The import's own clock (inject the host's <see cref="IClock"/>): a row stamped after its current instant is refused.</param>
    /// <param name="options">The ticket rules (numbers, priorities, routing).</param>
    public EventLogImporter(ITicketStore store, ISequenceStore sequences, IClock clock, TicketServiceOptions? options = null)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.sequences = sequences ?? throw new ArgumentNullException(nameof(sequences));
        this.options = ImportOptions.For(options);
        this.options.Validate();
        this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
    }

    /// <summary>
    /// How many cases the bulk path commits per transaction, when the store offers
    /// <see cref="ITicketBatchStore"/> (a store without it is written one command at a time). From 1 to
    /// 100,000; default 500. Larger batches write faster and hold the store's write lock longer.
    /// </summary>
    /// <exception cref="QualityValidationException">Set outside 1–100,000 (named).</exception>
    public int CasesPerTransaction
    {
        get => casesPerTransaction;
        set => casesPerTransaction = value is >= 1 and <= 100_000
            ? value
            : throw new QualityValidationException("EventLogImporter", [new ValidationError(nameof(CasesPerTransaction), $"must be from 1 to 100000; it was {value}.")]);
    }

    /// <summary>Imports a log.</summary>
    /// <param name="csv">The CSV text, with a header row.</param>
    /// <param name="mapping">The column and activity mapping; validated first.</param>
    /// <param name="cancellationToken">Cancels between cases, never inside one; what was imported stays, and a re-run completes it.</param>
    /// <returns>What was imported and which rows and cases were skipped.</returns>
    /// <exception cref="QualityValidationException">The mapping is invalid, or the header lacks a mapped column (named).</exception>
    public Task<ImportReport> ImportAsync(TextReader csv, EventLogMapping mapping, CancellationToken cancellationToken = default) =>
        ImportAsync(csv, mapping, null, cancellationToken);

    /// <summary>Imports a log, reporting progress.</summary>
    /// <param name="csv">The CSV text, with a header row.</param>
    /// <param name="mapping">The column and activity mapping; validated first.</param>
    /// <param name="progress">Told after the file is read, every 500 cases and at the end (on the importing thread's flow; <c>Progress&lt;T&gt;</c> posts it to its context).</param>
    /// <param name="cancellationToken">Cancels between cases, never inside one; what was imported stays, and a re-run completes it.</param>
    /// <returns>What was imported and which rows and cases were skipped.</returns>
    /// <exception cref="QualityValidationException">The mapping is invalid, or the header lacks a mapped column (named).</exception>
    public async Task<ImportReport> ImportAsync(TextReader csv, EventLogMapping mapping, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(mapping);
        mapping.Validate();

        // Feedback numbers in blocks when the store offers them; the unused tails go back at the end, whatever happens.
        var numbers = BlockSequences.Over(sequences);
        try
        {
            return await ImportCoreAsync(csv, mapping, progress, numbers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (numbers is BlockSequences blocks)
            {
                await blocks.ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<ImportReport> ImportCoreAsync(TextReader csv, EventLogMapping mapping, IProgress<ImportProgress>? progress, ISequenceStore sequences, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var zone = mapping.TimeZone ?? options.Numbering.TimeZone;

        // The bulk path: each case's events staged through the same service rules, then many cases per transaction.
        var bulk = store as ITicketBatchStore;
        var mappingHash = bulk is null ? "" : ImportIds.ContentHash([SourceHashVersion, EventLogMappings.ToJson(mapping)]);
        var recordedHashes = bulk is null ? new Dictionary<TicketId, string>() : await bulk.ReadSourceHashesAsync(mapping.Source, cancellationToken).ConfigureAwait(false);

        // On the bulk path the export is held and fingerprinted first: one imported cleanly before under this mapping is
        // recognised whole (its rows are not parsed) and answered as the re-run would be, every case unchanged.
        using var held = bulk is null ? null : HeldExport.Hold(csv, HeldLimit);
        var exportId = ImportIds.Export(mapping.Source);
        var fingerprint = held is { Complete: true } ? held.Fingerprint($"{SourceHashVersion}|{mappingHash}|{zone.Id}") : null;
        if (fingerprint is not null && recordedHashes.TryGetValue(exportId, out var recordedExport)
            && ExportRecord.TryParse(recordedExport, out var record) && record.Fingerprint == fingerprint && record.Latest <= now)
        {
            progress?.Report(new ImportProgress(record.Rows, record.Cases, record.Cases, 0));
            return new ImportReport(record.Rows, record.Cases, 0, []) { UnchangedTickets = record.Cases, ExportUnchanged = true };
        }

        var (cases, rows, problems, notices) = Read(held ?? csv, mapping, zone, now);
        var readNotices = notices.Count; // of rows (a re-run reports them again), not of planning (a skipped case is not planned again)
        var importClock = new ImportClock();
        var service = new TicketService(store, sequences, importClock, options);
        long appended = 0;
        int imported = 0, unchanged = 0;
        progress?.Report(new ImportProgress(rows, 0, cases.Count, 0));

        var staging = new StagingStore();
        var staged = new TicketService(staging, sequences, importClock, options);
        var direct = bulk is null ? null : new CaseStage(staged, staging, importClock);
        var scratch = CaseStage.Scratch(options);
        var lookups = PlanLookups.For(mapping);
        var batch = new List<(TicketAppend Append, string CaseId, int Line)>(CasesPerTransaction);

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                appended += (await bulk!.AppendBatchAsync(batch.Select(b => b.Append).ToArray(), CancellationToken.None).ConfigureAwait(false)).Count;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One case the store refuses (another writer changed its ticket, say) must not cost the others: each is written alone.
                foreach (var (append, caseId, line) in batch)
                {
                    try
                    {
                        appended += (await bulk!.AppendBatchAsync([append], CancellationToken.None).ConfigureAwait(false)).Count;
                    }
                    catch (Exception one) when (one is not OperationCanceledException)
                    {
                        imported--;
                        problems.Add(new ImportProblem(line, caseId, $"the case could not be written to the store ({one.GetType().Name}: {one.Message}); nothing of it was written and a re-run imports it."));
                    }
                }
            }

            batch.Clear();
            staging.Staged = 0;
        }

        // On the bulk path each case's source hash first, then the streams of the cases not skipped, a transaction's worth per read.
        var sourceHashes = bulk is null ? [] : cases.Select(c => CaseHash(mappingHash, c.Steps)).ToArray();
        var prefetched = new Dictionary<TicketId, TicketStream>();
        var prefetchedUpTo = 0;
        var done = 0;
        foreach (var (caseId, steps) in cases)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await FlushAsync().ConfigureAwait(false); // the cases staged so far are whole: they stay
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (++done % 500 == 0)
            {
                progress?.Report(new ImportProgress(rows, done, cases.Count, appended + staging.Staged));
            }

            var ticketId = ImportIds.Ticket(mapping.Source, caseId);
            string? sourceHash = null;
            if (bulk is not null)
            {
                sourceHash = sourceHashes[done - 1];
                if (recordedHashes.TryGetValue(ticketId, out var recorded) && recorded == sourceHash)
                {
                    // The store's history already reflects exactly these rows under this mapping: skipped unread.
                    unchanged++;
                    imported++;
                    continue;
                }

                if (done > prefetchedUpTo)
                {
                    var ids = new List<TicketId>(CasesPerTransaction);
                    for (var k = done - 1; k < cases.Count && ids.Count < CasesPerTransaction; k++, prefetchedUpTo = k)
                    {
                        var id = ImportIds.Ticket(mapping.Source, cases[k].CaseId);
                        if (!(recordedHashes.TryGetValue(id, out var h) && h == sourceHashes[k]))
                        {
                            ids.Add(id);
                        }
                    }

                    prefetched.Clear();
                    foreach (var stream in await bulk.ReadStreamsAsync(ids, CancellationToken.None).ConfigureAwait(false))
                    {
                        prefetched[stream.TicketId] = stream;
                    }
                }
            }

            var caseProblems = new List<ImportProblem>();
            var reported = false;
            try
            {
                // On the bulk path a case new to the store is decided once: planned straight onto its staged
                // stream by the staged service (the store's numbers), so its events are ready for the batch.
                // Otherwise it is planned on the scratch stage, and the plan is applied to the store's ticket.
                var existing = bulk is null ? null : prefetched.Remove(ticketId, out var read) ? read : await store.ReadStreamAsync(ticketId, CancellationToken.None).ConfigureAwait(false);
                var decidedOnce = existing is { Events.Count: 0 };
                var stage = decidedOnce ? direct! : scratch;
                stage.Store.Reset(decidedOnce ? existing! : new TicketStream(ticketId, 0, []));
                var plan = await CasePlanner.PlanAsync(mapping, caseId, steps, options, caseProblems, notices, stage, lookups).ConfigureAwait(false);
                problems.AddRange(caseProblems);
                reported = true;
                if (plan is null)
                {
                    continue; // not registrable: reported by the planner
                }

                existing ??= await store.ReadStreamAsync(ticketId, CancellationToken.None).ConfigureAwait(false);
                IReadOnlySet<Guid> applied = existing.Events.Count > 0
                    ? Ticket.Replay(plan[0].Command.TicketId, existing.Events.Select(e => e.Event)).ProcessedCommandIds
                    : new HashSet<Guid>();
                var allApplied = existing.Events.Count > 0 && plan.All(p => applied.Contains(p.Command.CommandId));
                if (allApplied && bulk is null)
                {
                    unchanged++;
                    imported++;
                    continue;
                }

                if (!decidedOnce)
                {
                    staging.Reset(existing);
                }

                var clean = caseProblems.Count == 0;
                foreach (var (at, line, command) in allApplied || decidedOnce ? [] : plan)
                {
                    if (applied.Contains(command.CommandId))
                    {
                        // The id names the source row: that row was imported before (its text, e.g. the line number
                        // it cites, may have moved), so it is not sent again as a different command.
                        continue;
                    }

                    importClock.Now = at;
                    try
                    {
                        var result = await (bulk is null ? service : staged).ExecuteAsync(command, CancellationToken.None).ConfigureAwait(false);
                        appended += bulk is null ? result.NewEvents.Count : 0;
                    }
                    catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
                    {
                        // A row that changed or arrived late in a case imported before: the recorded history cannot be rewritten.
                        clean = false;
                        problems.Add(new ImportProblem(line, caseId, $"{command.GetType().Name} of this row cannot be applied to the ticket as imported before ({ex.Message}); the case's history in the store stands."));
                    }
                }

                imported++;
                unchanged += allApplied ? 1 : 0;
                if (bulk is not null && (staging.Pending.Count > 0 || clean))
                {
                    // A case with a refused row records no source hash, so a re-run tries (and reports) it again.
                    staging.Staged += staging.Pending.Count;
                    batch.Add((new TicketAppend(ticketId, staging.BaseVersion, staging.Pending.ToArray()) { SourceHash = clean ? new TicketSourceHash(mapping.Source, sourceHash!) : null }, caseId, steps[0].Line));
                    if (batch.Count >= CasesPerTransaction)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (!reported)
                {
                    problems.AddRange(caseProblems);
                }

                problems.Add(new ImportProblem(steps[0].Line, caseId, $"the case could not be written to the store ({ex.GetType().Name}: {ex.Message}); what was written stays and a re-run continues it."));
            }
        }

        await FlushAsync().ConfigureAwait(false);
        if (fingerprint is not null && problems.Count == 0 && readNotices == 0 && imported == cases.Count)
        {
            // A clean import of a whole export: its fingerprint recorded last, so the same export is recognised whole next time and
            // answered as a case-by-case re-run would be (every case skipped by its source hash, no problem, no notice).
            var latest = cases.Count == 0 ? Earliest : cases.Max(c => c.Steps.Max(s => s.At));
            var value = new ExportRecord(fingerprint, rows, cases.Count, latest).ToString();
            if (!(recordedHashes.TryGetValue(exportId, out var before) && before == value))
            {
                try
                {
                    await bulk!.AppendBatchAsync([new TicketAppend(exportId, 0, []) { SourceHash = new TicketSourceHash(mapping.Source, value) }], CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    notices.Add(new ImportProblem(1, null, $"the export was imported, but its fingerprint could not be recorded ({ex.GetType().Name}: {ex.Message}); a re-run reads it case by case."));
                }
            }
        }

        progress?.Report(new ImportProgress(rows, cases.Count, cases.Count, appended));
        return new ImportReport(rows, imported, appended, problems.OrderBy(p => p.LineNumber).ToArray()) { UnchangedTickets = unchanged, Notices = notices.OrderBy(p => p.LineNumber).ToArray() };
    }

    /// <summary>
    /// Compares each figure the export carries per case (<see cref="EventLogMapping.ReconciledFigures"/>,
    /// its last row's value) with the library's recomputation from the imported history, after
    /// <see cref="ImportAsync(TextReader, EventLogMapping, CancellationToken)"/>: the counts of agreement and the first disagreements by case and reason.
    /// </summary>
    /// <param name="csv">The same export, read again.</param>
    /// <param name="mapping">The mapping it was imported with; validated first.</param>
    /// <param name="policies">The SLA policies <see cref="SourceFigure.MadeSla"/> is judged under. Default <see cref="SlaPolicySet.Default"/>.</param>
    /// <param name="firstDisagreements">How many disagreements to list per figure (at least 0). Default 20.</param>
    /// <param name="cancellationToken">Cancels the comparison.</param>
    /// <returns>One comparison per reconciled figure.</returns>
    /// <exception cref="QualityValidationException">The mapping is invalid, a reconciled column is not in the header, or <paramref name="firstDisagreements"/> is negative (named).</exception>
    public async Task<ReconciliationReport> ReconcileAsync(TextReader csv, EventLogMapping mapping, SlaPolicySet? policies = null, int firstDisagreements = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(mapping);
        mapping.Validate();
        if (firstDisagreements < 0)
        {
            throw new QualityValidationException("Reconciliation", [new ValidationError(nameof(firstDisagreements), $"must be 0 or more; it was {firstDisagreements}.")]);
        }

        policies ??= SlaPolicySet.Default;
        var parser = TimestampParser.Create(mapping.TimestampPattern, mapping.TimeZone ?? options.Numbering.TimeZone);
        var figures = mapping.ReconciledFigures.OrderBy(f => f.Key).ToArray();
        var last = new Dictionary<string, (long Order, Instant At, int Line, string?[] Values)>(StringComparer.Ordinal);
        var order = new List<string>();
        using (var source = CsvSource.Open(csv, "EventLog", mapping.NullToken, []))
        {
            var missing = figures.Select(f => f.Value).Concat([mapping.CaseIdColumn, mapping.TimestampColumn]).Where(c => !source.Has(c)).ToArray();
            if (missing.Length > 0)
            {
                throw new QualityValidationException("EventLog", missing.Select(c => new ValidationError(c, "is a mapped column the header does not have.")).ToArray());
            }

            while (source.Next())
            {
                if (source.Field(mapping.CaseIdColumn) is not { } caseId || !parser.TryParse(source.Field(mapping.TimestampColumn) ?? "", out var at, out _))
                {
                    continue;
                }

                var rank = mapping.OrderColumn is { } oc && long.TryParse(source.Field(oc), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var o) ? o : 0;
                if (!last.TryGetValue(caseId, out var previous))
                {
                    order.Add(caseId);
                }
                else if ((previous.Order, previous.At, previous.Line).CompareTo((rank, at, source.Line)) > 0)
                {
                    continue;
                }

                last[caseId] = (rank, at, source.Line, figures.Select(f => source.Field(f.Value)).ToArray());
            }
        }

        var priorities = new Dictionary<string, Priority>(mapping.PriorityValues, StringComparer.OrdinalIgnoreCase);
        var results = figures.Select(f => (Figure: f.Key, Column: f.Value, Agreed: 0, Disagreed: 0, NotCompared: 0, First: new List<FigureDisagreement>())).ToArray();
        var now = clock.GetCurrentInstant();
        foreach (var caseId in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = ImportIds.Ticket(mapping.Source, caseId);
            var history = (await store.ReadStreamAsync(id, cancellationToken).ConfigureAwait(false)).Events.Select(e => e.Event).ToList();
            var ticket = history.Count == 0 ? null : Ticket.Replay(id, history);
            var values = last[caseId].Values;
            for (var i = 0; i < results.Length; i++)
            {
                ref var r = ref results[i];
                var text = values[i];
                if (ticket is null || text is null)
                {
                    r.NotCompared++;
                    continue;
                }

                string? library;
                bool? agrees;
                string reason;
                switch (r.Figure)
                {
                    case SourceFigure.ReopenCount or SourceFigure.ReassignmentCount:
                    {
                        var count = r.Figure == SourceFigure.ReopenCount ? ticket.ReopenCount : ticket.ReassignmentCount;
                        library = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        agrees = int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n == count : null;
                        reason = r.Figure == SourceFigure.ReopenCount
                            ? $"the source counts {text} reopen(s), the imported history {count}"
                            : $"the source counts {text} reassignment(s), the imported history {count} transfer(s)";
                        break;
                    }

                    case SourceFigure.MadeSla:
                    {
                        var resolution = SlaClock.Evaluate(history, policies, now).Find(SlaTargetKind.Resolution);
                        var met = resolution?.State == SlaClockState.Met;
                        library = resolution is null ? "(none)" : met ? "true" : "false";
                        agrees = bool.TryParse(text, out var made) ? made == met : null;
                        reason = $"the source's SLA was {(text.Equals("true", StringComparison.OrdinalIgnoreCase) ? "met" : "missed")}, the library's resolution target is {resolution?.State.ToString() ?? "absent"}";
                        break;
                    }

                    default:
                    {
                        library = ticket.Priority?.ToString() ?? "(none)";
                        agrees = priorities.TryGetValue(text, out var p) ? p == ticket.Priority : null;
                        reason = $"the source's final priority '{text}' is {(priorities.TryGetValue(text, out var q) ? q.ToString() : "unmapped")}, the library's {library}";
                        break;
                    }
                }

                if (agrees is null)
                {
                    r.NotCompared++;
                }
                else if (agrees.Value)
                {
                    r.Agreed++;
                }
                else
                {
                    r.Disagreed++;
                    if (r.First.Count < firstDisagreements)
                    {
                        r.First.Add(new FigureDisagreement(caseId, text, library, reason));
                    }
                }
            }
        }

        return new ReconciliationReport(order.Count, results.Select(r => new FigureReconciliation(r.Figure, r.Column, r.Agreed, r.Disagreed, r.NotCompared, r.First)).ToArray());
    }

    /// <summary>A case's source hash: the mapping's and every row's content, identity and place, in order (not line numbers: a case whose rows only moved is unchanged).</summary>
    private static string CaseHash(string mappingHash, List<CaseStep> steps)
    {
        // The cells mappingHash, then "content|identity|sub" per row, written without building them.
        var text = new HashText();
        text.Cell(mappingHash);
        foreach (var step in steps)
        {
            text.Cell(step.Content, step.Identity, step.Sub);
        }

        return text.Finish();
    }

    private static (List<(string CaseId, List<CaseStep> Steps)> Cases, int Rows, List<ImportProblem> Problems, List<ImportProblem> Notices) Read(TextReader csv, EventLogMapping mapping, DateTimeZone zone, Instant now)
    {
        var parser = TimestampParser.Create(mapping.TimestampPattern, zone);
        var problems = new List<ImportProblem>();
        var cases = new Dictionary<string, List<CaseStep>>(StringComparer.Ordinal);
        var order = new List<string>();
        using var source = CsvSource.Open(csv, "EventLog", mapping.NullToken, problems);
        var missing = mapping.MappedColumns().Where(c => !source.Has(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new QualityValidationException("EventLog", missing.Select(c => new ValidationError(c, "is a mapped column the header does not have.")).ToArray());
        }

        var activities = new Dictionary<string, ImportAction>(mapping.Activities, mapping.CaseSensitiveActivities ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var identities = new Dictionary<string, int>(StringComparer.Ordinal);
        var (assessmentColumns, assessments) = mapping.EffectiveAssessments();
        var levels = new Dictionary<string, int>(mapping.Levels, StringComparer.OrdinalIgnoreCase);
        var notices = new List<ImportProblem>();
        var timeColumns = mapping.EventColumns.Select(e => (e.Column, (ImportAction?)e.Action)).Concat(mapping.ActivityColumns.Count > 0 ? [(mapping.TimestampColumn, null)] : []).ToArray();
        while (source.Next())
        {
            var line = source.Line;
            var caseId = source.Field(mapping.CaseIdColumn);
            if (caseId is null)
            {
                problems.Add(new ImportProblem(line, null, $"'{mapping.CaseIdColumn}' is empty."));
                continue;
            }

            // A row is one event (its activity at its time), or, in a wide export (one row per ticket), one event per filled time column.
            var events = new List<(Instant At, ImportAction Action, string Column)>();
            var refused = false;
            foreach (var (column, fixedAction) in timeColumns)
            {
                var timestamp = source.Field(column);
                if (timestamp is null && mapping.EventColumns.Count > 0)
                {
                    continue; // that event did not happen (yet)
                }

                if (!parser.TryParse(timestamp ?? "", out var at, out var error))
                {
                    problems.Add(new ImportProblem(line, caseId, $"'{column}' value '{timestamp}' is not a timestamp of pattern {mapping.TimestampPattern}: {error}"));
                    refused = true;
                    break;
                }

                if (at < Earliest || at > now)
                {
                    problems.Add(new ImportProblem(line, caseId, $"'{column}' value '{timestamp}' ({at}) is {(at < Earliest ? "before 1970" : $"after the import instant {now}")}; the row is refused."));
                    refused = true;
                    break;
                }

                if (fixedAction is { } known)
                {
                    events.Add((at, known, column));
                    continue;
                }

                var activity = mapping.ActivityColumns.Count == 1
                    ? source.Field(mapping.ActivityColumns[0]) ?? ""
                    : string.Join(mapping.ActivitySeparator, mapping.ActivityColumns.Select(c => source.Field(c) ?? ""));
                if (!activities.TryGetValue(activity, out var action))
                {
                    problems.Add(new ImportProblem(line, caseId, $"activity '{activity}' has no mapping."));
                    refused = true;
                    break;
                }

                events.Add((at, action, column));
            }

            if (refused || events.Count == 0)
            {
                if (!refused)
                {
                    problems.Add(new ImportProblem(line, caseId, $"the row has none of the event times {string.Join(", ", mapping.EventColumns.Select(e => e.Column))}."));
                }

                continue;
            }

            long? orderValue = null;
            if (mapping.OrderColumn is { } orderColumn)
            {
                var orderText = source.Field(orderColumn);
                if (!long.TryParse(orderText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var o))
                {
                    problems.Add(new ImportProblem(line, caseId, $"'{orderColumn}' value '{orderText}' is not a whole number; the row cannot be ordered and is skipped."));
                    continue;
                }

                orderValue = o;
            }

            Instant? Optional(string? column, ref bool bad)
            {
                var text = source.Field(column);
                if (text is null)
                {
                    return null;
                }

                if (parser.TryParse(text, out var value, out var reason) && value >= Earliest && value <= now)
                {
                    return value;
                }

                problems.Add(new ImportProblem(line, caseId, $"'{column}' value '{text}' is not a timestamp of pattern {mapping.TimestampPattern} between 1970 and the import instant{(reason is null ? "" : ": " + reason)}"));
                bad = true;
                return null;
            }

            var badTime = false;
            var openedAt = Optional(mapping.OpenedAtColumn, ref badTime);
            var resolvedAt = Optional(mapping.ResolvedAtColumn, ref badTime);
            var closedAt = Optional(mapping.ClosedAtColumn, ref badTime);
            if (badTime)
            {
                continue;
            }

            string? assessment = null;
            if (assessmentColumns.Length > 0 && assessmentColumns.Select(source.Field).ToArray() is var parts && parts.Any(p => p is not null))
            {
                assessment = string.Join("|", parts.Select(p => p ?? ""));
                if (!assessments.ContainsKey(assessment))
                {
                    notices.Add(new ImportProblem(line, caseId, $"the assessment '{assessment}' ({string.Join(" | ", assessmentColumns)}) has no mapping; the row is imported without it."));
                    assessment = null;
                }
            }

            int? level = null;
            if (source.Field(mapping.LevelColumn) is { } levelText)
            {
                if (levels.TryGetValue(levelText, out var l))
                {
                    level = l;
                }
                else
                {
                    problems.Add(new ImportProblem(line, caseId, $"support level '{levelText}' has no mapping; the row is imported without it."));
                }
            }

            if (mapping.EventColumns.Count > 0 && cases.TryGetValue(caseId, out var earlier))
            {
                problems.Add(new ImportProblem(line, caseId, $"'{mapping.CaseIdColumn}' value '{caseId}' repeats the ticket of line {earlier[0].Line}; in a one-row-per-ticket export a key names one ticket, so the row is skipped."));
                continue;
            }

            if (!cases.TryGetValue(caseId, out var steps))
            {
                cases[caseId] = steps = [];
                order.Add(caseId);
            }

            // The row's identity: its content (the case, the time, every cell), numbered among identical rows of the file.
            var content = ImportIds.ContentHash(source.RawFields);
            var key = string.Concat(caseId, "|", content);
            var occurrence = identities[key] = identities.GetValueOrDefault(key) + 1;
            for (var e = 0; e < events.Count; e++)
            {
                var (at, action, column) = events[e];
                steps.Add(new CaseStep(line, at, action, source.Field(mapping.AgentColumn), source.Field(mapping.TeamColumn), level, source.Field(mapping.ProductColumn), source.Field(mapping.CustomerColumn), assessment)
                {
                    Identity = mapping.EventColumns.Count > 0 ? $"{column}|{at}" : $"{content}#{occurrence}",
                    Content = content,
                    Order = orderValue,
                    Channel = source.Field(mapping.ChannelColumn),
                    OpenedAt = openedAt,
                    ResolvedAt = resolvedAt,
                    ClosedAt = closedAt,
                    Sub = e,
                });
            }
        }

        return (order.Select(id => (id, cases[id].OrderBy(s => s.Order ?? 0).ThenBy(s => s.At).ThenBy(s => s.Line).ThenBy(s => s.Sub).ToList())).ToList(), source.RowsRead, problems, notices);
    }
}

/// <summary>
/// What the store records of an export imported cleanly whole, as the source hash of a reserved id
/// (<see cref="ImportIds.Export"/>): its fingerprint, its rows and cases, and its latest row instant (so an import
/// whose clock is earlier reads it again and refuses what is then in its future).
/// </summary>
internal readonly record struct ExportRecord(string Fingerprint, int Rows, int Cases, Instant Latest)
{
    private const string Prefix = "export-1:";

    public static bool TryParse(string text, out ExportRecord record)
    {
        record = default;
        var parts = text.Split(':');
        if (parts.Length != 5 || parts[0] + ":" != Prefix
            || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rows)
            || !int.TryParse(parts[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cases)
            || !long.TryParse(parts[4], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks))
        {
            return false;
        }

        record = new ExportRecord(parts[1], rows, cases, Instant.FromUnixTimeTicks(ticks));
        return true;
    }

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}{Fingerprint}:{Rows}:{Cases}:{Latest.ToUnixTimeTicks()}");
}

/// <summary>One mapped row of a case.</summary>
internal sealed record CaseStep(int Line, Instant At, ImportAction Action, string? Agent, string? Team, int? Level, string? Product, string? Customer, string? Assessment)
{
    /// <summary>The event's place among the events of its row (wide exports).</summary>
    public int Sub { get; init; }

    /// <summary>The ordering column's value, if mapped.</summary>
    public long? Order { get; init; }

    /// <summary>The channel cell, if mapped.</summary>
    public string? Channel { get; init; }

    /// <summary>The opened-at cell, if mapped.</summary>
    public Instant? OpenedAt { get; init; }

    /// <summary>The resolved-at cell, if mapped.</summary>
    public Instant? ResolvedAt { get; init; }

    /// <summary>The closed-at cell, if mapped.</summary>
    public Instant? ClosedAt { get; init; }

    /// <summary>The source row's identity (content hash and occurrence), from which its command ids derive.</summary>
    public string Identity { get; init; } = "";

    /// <summary>The hash of the source row's cells: what the case's source hash covers.</summary>
    public string Content { get; init; } = "";
}
