using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels;
using global::Parquet;
using global::Parquet.Schema;
using NodaTime;

namespace AfterSales.Quality.Parquet;

/// <summary>
/// Exports the KPI fact table to Apache Parquet for a warehouse (DuckDB, Spark, Trino…): one file per month of receipt,
/// <c>month=YYYY-MM/facts.parquet</c> (Hive partitioning, the month in the table's zone), one row per ticket with its
/// dimensions as names and its measures as nullable numbers — the schema is <see cref="Schema"/>, documented in the
/// README. Incremental: a checkpoint (<c>_export.json</c>) records each month's fact count and SHA-256 of its facts, so a
/// later export rewrites only the months whose facts changed, removes months that no longer hold facts, and leaves the
/// rest untouched. Each partition file is replaced atomically (written beside it, then renamed); the checkpoint is written
/// last, so an export that fails part-way (a full disk) is finished by the next one. A checkpoint that is corrupt, of
/// another schema version, another zone or another dimension dictionary is never trusted: every month is written again.
/// One exporter per folder at a time; the table is copied when the export starts, so the projection may refresh after
/// the call returns its first await.
/// </summary>
public static class FactParquetExporter
{
    /// <summary>The version of <see cref="Schema"/> (written to each file's metadata and to the checkpoint).</summary>
    /// <remarks>2 added <c>resolution_seconds</c>, <c>reply_count</c> and <c>reply_seconds</c> at the end (1 had 31 columns).</remarks>
    public const int SchemaVersion = 2;

    /// <summary>The checkpoint's file name in the export folder.</summary>
    public const string CheckpointFileName = "_export.json";

    /// <summary>A month partition's file name.</summary>
    public const string PartitionFileName = "facts.parquet";

    private static readonly DataField ReceivedAt = new DateTimeDataField("received_at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: false);
    private static readonly DataField ReceivedLocal = new DateTimeDataField("received_local", DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Millis, isNullable: false);
    private static readonly string[] DimensionColumns = ["team", "agent", "product", "channel", "category", "priority", "segment"];
    private static readonly (string Name, FactFlags Flag)[] FlagColumns =
    [
        ("resolved", FactFlags.Resolved), ("first_contact_resolution", FactFlags.FirstContactResolution), ("complaint", FactFlags.Complaint),
        ("escalated", FactFlags.Escalated), ("transferred", FactFlags.Transferred), ("reopened", FactFlags.Reopened),
        ("inspected", FactFlags.Inspected), ("accurate", FactFlags.Accurate),
        ("first_response_sla_due", FactFlags.FirstResponseSlaDue), ("first_response_sla_met", FactFlags.FirstResponseSlaMet),
        ("resolution_sla_due", FactFlags.ResolutionSlaDue), ("resolution_sla_met", FactFlags.ResolutionSlaMet),
    ];

    private static readonly (string Name, Func<TicketFact, int?> Value)[] MeasureColumns =
    [
        ("first_response_seconds", f => f.FirstResponseSeconds), ("handling_seconds", f => f.HandlingSeconds),
        ("first_response_working_seconds", f => f.FirstResponseWorkingSeconds), ("resolution_working_seconds", f => f.ResolutionWorkingSeconds),
        ("csat", f => f.Csat), ("effort", f => f.Effort), ("likelihood_to_recommend", f => f.LikelihoodToRecommend),
    ];

    private static readonly (string Name, Func<TicketFact, int> Value)[] CountColumns =
    [
        ("revisits_due", f => f.RevisitsDue), ("revisits_on_time", f => f.RevisitsOnTime),
    ];

    // Schema version 2: the wall-clock resolution time and the replies, after the version-1 columns.
    private static readonly (string Name, Func<TicketFact, int?> Value)[] LaterMeasureColumns =
    [
        ("resolution_seconds", f => f.ResolutionSeconds),
    ];

    private static readonly (string Name, Func<TicketFact, int> Value)[] LaterCountColumns =
    [
        ("reply_count", f => f.ReplyCount), ("reply_seconds", f => f.ReplySeconds),
    ];

    /// <summary>
    /// The Parquet schema of a month partition, in column order: <c>received_at</c> (timestamp, UTC), <c>received_local</c>
    /// (timestamp in the table's zone), the dimensions <c>team</c>, <c>agent</c>, <c>product</c>, <c>channel</c>, <c>category</c>,
    /// <c>priority</c> (P0–P3), <c>segment</c> (strings, null when not set), the flags <c>resolved</c> … <c>resolution_sla_met</c>
    /// (booleans), the measures <c>first_response_seconds</c>, <c>handling_seconds</c>, <c>first_response_working_seconds</c>,
    /// <c>resolution_working_seconds</c>, <c>csat</c>, <c>effort</c>, <c>likelihood_to_recommend</c> (int32, null when missing),
    /// <c>recommend</c> (Yes / Unsure / No, null when not asked), <c>revisits_due</c> and <c>revisits_on_time</c> (int32),
    /// <c>resolution_seconds</c> (wall-clock, received → finally resolved; int32, null when not resolved), <c>reply_count</c> and
    /// <c>reply_seconds</c> (int32: the replies and their total response time, 0 without a reply).
    /// The partition column <c>month</c> comes from the folder name.
    /// </summary>
    public static ParquetSchema Schema { get; } = new(
        [
            ReceivedAt, ReceivedLocal,
            .. DimensionColumns.Select(name => new DataField<string>(name, nullable: true)),
            .. FlagColumns.Select(c => new DataField<bool>(c.Name)),
            .. MeasureColumns.Select(c => new DataField<int?>(c.Name)),
            new DataField<string>("recommend", nullable: true),
            .. CountColumns.Select(c => new DataField<int>(c.Name)),
            .. LaterMeasureColumns.Select(c => new DataField<int?>(c.Name)),
            .. LaterCountColumns.Select(c => new DataField<int>(c.Name)),
        ]);

    /// <summary>Exports a projection's facts, recording the feed position they cover in the checkpoint.</summary>
    /// <param name="projection">The projection (not refreshed while the export copies its table).</param>
    /// <param name="options">Where and how.</param>
    /// <param name="cancellationToken">Cancels between files; a file being written is left out, the checkpoint unchanged.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    /// <exception cref="IOException">The folder cannot be written; safe to retry (the next export finishes the work).</exception>
    public static Task<FactExportResult> ExportAsync(TicketFactProjection projection, FactExportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return ExportAsync(projection.Facts, projection.Dimensions, options, projection.Position, cancellationToken);
    }

    /// <summary>Exports a fact table.</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="dimensions">The dictionaries the facts' dimension codes come from.</param>
    /// <param name="options">Where and how.</param>
    /// <param name="position">The feed position the facts cover, recorded in the checkpoint; null for a table with no feed.</param>
    /// <param name="cancellationToken">Cancels between files; a file being written is left out, the checkpoint unchanged.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A fact holds a dimension code the dictionaries do not have (<c>facts[row].Team</c> …).</exception>
    /// <exception cref="IOException">The folder cannot be written; safe to retry (the next export finishes the work).</exception>
    public static async Task<FactExportResult> ExportAsync(FactTable facts, FactDimensions dimensions, FactExportOptions options, long? position = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (position is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, "position: must not be negative.");
        }

        var rows = facts.Facts.ToArray();
        var zone = facts.TimeZone;
        var names = DimensionNames.Of(dimensions);
        names.Check(rows);

        // Rows by month of receipt in the table's zone, each month's rows in table order: the months' first minutes are
        // computed once and each fact is placed by a binary search over them (not a zone conversion per fact).
        var byMonth = new SortedDictionary<int, TicketFact[]>();
        if (rows.Length > 0)
        {
            var (starts, keys) = MonthStarts(rows, zone);
            var monthOf = new int[rows.Length];
            var counts = new int[starts.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                var index = Array.BinarySearch(starts, rows[i].ReceivedMinute);
                monthOf[i] = index >= 0 ? index : ~index - 1;
                counts[monthOf[i]]++;
            }

            var filled = new int[starts.Length];
            var groups = counts.Select(c => new TicketFact[c]).ToArray();
            for (var i = 0; i < rows.Length; i++)
            {
                groups[monthOf[i]][filled[monthOf[i]]++] = rows[i];
            }

            for (var m = 0; m < starts.Length; m++)
            {
                if (counts[m] > 0)
                {
                    byMonth[keys[m]] = groups[m];
                }
            }
        }

        Directory.CreateDirectory(options.Directory);
        var checkpointPath = Path.Combine(options.Directory, CheckpointFileName);
        var previous = Checkpoint.TryRead(checkpointPath, zone, names);
        var months = new SortedDictionary<string, (int Facts, string Hash)>(StringComparer.Ordinal);
        int written = 0, unchanged = 0, removed = 0;
        foreach (var (month, monthRows) in byMonth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = MonthKey(month);
            var hash = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(monthRows.AsSpan())));
            months[key] = (monthRows.Length, hash);
            var file = Path.Combine(options.Directory, "month=" + key, PartitionFileName);
            if (previous is not null && previous.Months.TryGetValue(key, out var before) && before.Facts == monthRows.Length && before.Hash == hash && File.Exists(file))
            {
                unchanged++;
                continue;
            }

            await WritePartitionAsync(file, monthRows, names, zone, options, position, cancellationToken).ConfigureAwait(false);
            written++;
        }

        // Months that no longer hold facts (a table rebuilt with other facts), and a partial write's leftovers.
        foreach (var folder in Directory.EnumerateDirectories(options.Directory, "month=*"))
        {
            var key = Path.GetFileName(folder)["month=".Length..];
            foreach (var temporary in Directory.EnumerateFiles(folder, PartitionFileName + ".*.tmp"))
            {
                File.Delete(temporary);
            }

            if (!months.ContainsKey(key) && File.Exists(Path.Combine(folder, PartitionFileName)))
            {
                File.Delete(Path.Combine(folder, PartitionFileName));
                if (!Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }

                removed++;
            }
        }

        Checkpoint.Write(checkpointPath, zone, names, position, rows.Length, months);
        return new FactExportResult(rows.Length, written, unchanged, removed, position, previous is null);
    }

    private static string MonthKey(int month) => $"{month / 12:0000}-{(month % 12) + 1:00}";

    /// <summary>The first minute (since the fact epoch) of every month from the earliest fact's to the latest's, in the zone, and each month's key (year × 12 + month − 1).</summary>
    private static (int[] Starts, int[] Keys) MonthStarts(TicketFact[] rows, DateTimeZone zone)
    {
        int min = int.MaxValue, max = int.MinValue;
        foreach (var fact in rows)
        {
            min = Math.Min(min, fact.ReceivedMinute);
            max = Math.Max(max, fact.ReceivedMinute);
        }

        var first = (TicketFact.Epoch + Duration.FromMinutes(min)).InZone(zone).Date;
        var last = (TicketFact.Epoch + Duration.FromMinutes(max)).InZone(zone).Date;
        var starts = new List<int>();
        var keys = new List<int>();
        for (var month = new LocalDate(first.Year, first.Month, 1); month <= last; month = month.PlusMonths(1))
        {
            var start = zone.AtStartOfDay(month).ToInstant() - TicketFact.Epoch;
            // Minutes are whole; a month starting inside a minute (an odd historical offset) takes the facts from its next whole minute.
            starts.Add((int)Math.Ceiling(start.TotalMinutes));
            keys.Add((month.Year * 12) + month.Month - 1);
        }

        return (starts.ToArray(), keys.ToArray());
    }

    private static async Task WritePartitionAsync(string file, TicketFact[] monthRows, DimensionNames names, DateTimeZone zone, FactExportOptions options, long? position, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var parquet = new ParquetOptions { CompressionMethod = options.Compress ? CompressionMethod.Snappy : CompressionMethod.None };
                await using var writer = await ParquetWriter.CreateAsync(Schema, stream, parquet, cancellationToken: cancellationToken).ConfigureAwait(false);
                writer.CustomMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["aftersales.schemaVersion"] = SchemaVersion.ToString(CultureInfo.InvariantCulture),
                    ["aftersales.timeZone"] = zone.Id,
                    ["aftersales.position"] = position?.ToString(CultureInfo.InvariantCulture) ?? "",
                };
                for (var start = 0; start < monthRows.Length; start += options.RowGroupSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var group = monthRows.AsSpan(start, Math.Min(options.RowGroupSize, monthRows.Length - start)).ToArray();
                    await WriteRowGroupAsync(writer, group, names, zone, cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(temporary, file, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, TicketFact[] group, DimensionNames names, DateTimeZone zone, CancellationToken cancellationToken)
    {
        using var rowGroup = writer.CreateRowGroup();
        var fields = Schema.GetDataFields();
        var column = 0;
        var at = group.Select(f => TicketFact.Epoch + Duration.FromMinutes(f.ReceivedMinute)).ToArray();
        await rowGroup.WriteAsync<DateTime>(fields[column++], at.Select(i => i.ToDateTimeUtc()).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await rowGroup.WriteAsync<DateTime>(fields[column++], at.Select(i => i.InZone(zone).LocalDateTime.ToDateTimeUnspecified()).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var dimension in DimensionNames.Order)
        {
            await rowGroup.WriteAsync(fields[column++], group.Select(f => names.NameOf(dimension, f)).ToArray()).ConfigureAwait(false);
        }

        foreach (var (_, flag) in FlagColumns)
        {
            await rowGroup.WriteAsync<bool>(fields[column++], group.Select(f => (f.Flags & flag) != 0).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var (_, value) in MeasureColumns)
        {
            await rowGroup.WriteAsync<int>(fields[column++], group.Select(value).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await rowGroup.WriteAsync(fields[column++], group.Select(f => f.Recommend?.ToString()).ToArray()).ConfigureAwait(false);
        foreach (var (_, value) in CountColumns)
        {
            await rowGroup.WriteAsync<int>(fields[column++], group.Select(value).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var (_, value) in LaterMeasureColumns)
        {
            await rowGroup.WriteAsync<int>(fields[column++], group.Select(value).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var (_, value) in LaterCountColumns)
        {
            await rowGroup.WriteAsync<int>(fields[column++], group.Select(value).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        rowGroup.CompleteValidate();
    }
}
