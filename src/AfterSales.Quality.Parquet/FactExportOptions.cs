namespace AfterSales.Quality.Parquet;

/// <summary>Where and how <see cref="FactParquetExporter"/> writes the fact table.</summary>
public sealed record FactExportOptions
{
    /// <summary>The export's root folder: it holds <c>month=YYYY-MM/facts.parquet</c> per month and the checkpoint <c>_export.json</c>. Created when missing.</summary>
    public required string Directory { get; init; }

    /// <summary>Facts per Parquet row group (1,000–10,000,000). Default 1,000,000.</summary>
    public int RowGroupSize { get; init; } = 1_000_000;

    /// <summary>Whether to compress the column chunks (Snappy). Default true.</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Refuses options that cannot export, naming the field.</summary>
    /// <exception cref="QualityValidationException">A field is invalid.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add(new ValidationError(nameof(Directory), "must name a folder."));
        }
        else if (Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add(new ValidationError(nameof(Directory), "holds a character no path may hold."));
        }

        if (RowGroupSize is < 1_000 or > 10_000_000)
        {
            errors.Add(new ValidationError(nameof(RowGroupSize), $"must be 1000–10000000; it was {RowGroupSize}."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException("FactExportOptions", errors);
        }
    }
}

/// <summary>What one export did.</summary>
/// <param name="Facts">Facts in the table when exported.</param>
/// <param name="MonthsWritten">Month partitions written (new, or changed since the checkpoint).</param>
/// <param name="MonthsUnchanged">Month partitions left as they were: their facts are byte for byte those the checkpoint recorded.</param>
/// <param name="MonthsRemoved">Month partitions deleted: the table no longer has facts received in them.</param>
/// <param name="Position">The feed position the exported facts cover (a <c>TicketFactProjection</c>'s position), or null for a bare table.</param>
/// <param name="FullExport">Whether every month was written because there was no usable checkpoint (none, corrupt, another schema version or another zone).</param>
public sealed record FactExportResult(long Facts, int MonthsWritten, int MonthsUnchanged, int MonthsRemoved, long? Position, bool FullExport);
