using AfterSales.Quality.Privacy;
using Microsoft.Extensions.Logging;

namespace AfterSales.Quality.Sqlite;

/// <summary>How to open a <see cref="SqliteTicketStore"/>.</summary>
public sealed class SqliteTicketStoreOptions
{
    /// <summary>
    /// The database: a file path (created if missing), or <c>:memory:</c> for a private in-memory
    /// database that lives as long as the store. Required.
    /// </summary>
    public string DataSource { get; set; } = "";

    /// <summary>
    /// The master keys that wrap each customer's data key (crypto-shredding, recommended): personal data
    /// and free text are encrypted per ticket, and an erasure destroys the ticket's key, so no copy in the
    /// file, the WAL or a backup decrypts afterwards. A <see cref="MasterKeyRing"/> from configuration,
    /// or your KMS/HSM behind <see cref="IMasterKeyProvider"/>. Not together with <see cref="Protector"/>.
    /// </summary>
    public IMasterKeyProvider? MasterKeys { get; set; }

    /// <summary>
    /// Encrypts the customer's name, contact, address and customer number at rest under one shared key
    /// (the earlier model: free text stays plain and an erasure only rewrites the registration).
    /// Prefer <see cref="MasterKeys"/>.
    /// </summary>
    public IPersonalDataProtector? Protector { get; set; }

    /// <summary>
    /// Opts out of encryption for a database file: without <see cref="MasterKeys"/> or <see cref="Protector"/>
    /// the store refuses to open unless this is <see langword="true"/>, and then logs a warning. Default
    /// <see langword="false"/>. (<c>:memory:</c> databases never reach the disk and need neither.)
    /// </summary>
    public bool AllowPlaintextPersonalData { get; set; }

    /// <summary>Where the store logs (the plain-text warning); nothing is logged when null.</summary>
    public ILogger? Logger { get; set; }

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

        if (MasterKeys is not null && Protector is not null)
        {
            errors.Add(new ValidationError(nameof(MasterKeys), "and Protector are exclusive: MasterKeys encrypts with per-customer keys, Protector with one shared key; set one."));
        }
        else if (MasterKeys is null && Protector is null && !AllowPlaintextPersonalData && !string.IsNullOrWhiteSpace(DataSource) && DataSource != ":memory:")
        {
            errors.Add(new ValidationError(nameof(MasterKeys), "is required for a database file: set MasterKeys (per-customer keys; erasure destroys the key), or Protector (one shared key), or AllowPlaintextPersonalData = true to store personal data in plain text."));
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
