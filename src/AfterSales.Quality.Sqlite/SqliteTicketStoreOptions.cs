using AfterSales.Quality.Privacy;

namespace AfterSales.Quality.Sqlite;

/// <summary>How to open a <see cref="SqliteTicketStore"/>.</summary>
public sealed class SqliteTicketStoreOptions
{
    /// <summary>
    /// The database: a file path (created if missing), or <c>:memory:</c> for a private in-memory
    /// database that lives as long as the store. Required.
    /// </summary>
    public string DataSource { get; set; } = "";

    /// <summary>Encrypts the customer's name, contact, address and customer number at rest. Strongly recommended; null stores them in plain text.</summary>
    public IPersonalDataProtector? Protector { get; set; }

    /// <summary>How long a writer waits for another writer's lock, in seconds (1–600). Default 30.</summary>
    public int BusyTimeoutSeconds { get; set; } = 30;

    /// <summary>Checks the options, naming every bad one.</summary>
    /// <exception cref="QualityValidationException">An option is invalid.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            errors.Add(new ValidationError(nameof(DataSource), "is required: a database file path, or :memory:."));
        }

        if (BusyTimeoutSeconds is < 1 or > 600)
        {
            errors.Add(new ValidationError(nameof(BusyTimeoutSeconds), $"must be between 1 and 600; it was {BusyTimeoutSeconds}."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(SqliteTicketStoreOptions), errors);
        }
    }
}
