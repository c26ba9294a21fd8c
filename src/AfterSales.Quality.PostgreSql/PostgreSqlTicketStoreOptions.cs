using System.Text.RegularExpressions;
using AfterSales.Quality;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The settings of a <see cref="PostgreSqlTicketStore"/>. A property bag validated by
/// <see cref="Validate"/> when the store opens. Not thread-safe while being configured.
/// </summary>
public sealed partial class PostgreSqlTicketStoreOptions
{
    /// <summary>The Npgsql connection string, e.g. <c>Host=db;Database=crm;Username=crm</c>. Required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The PostgreSQL schema the store's tables live in (created when missing): lower-case
    /// letters, digits and '_', starting with a letter, at most 63 characters. Default <c>aftersales</c>.
    /// </summary>
    public string Schema { get; set; } = "aftersales";

    /// <summary>
    /// The master keys that wrap each customer's data key (crypto-shredding, recommended): personal data
    /// and free text are encrypted per ticket, and an erasure destroys the ticket's key, so no copy in
    /// the heap, dead tuples, WAL, replicas or backups decrypts afterwards (see the README's privacy
    /// section for what a holder of the master key can still do). Not together with <see cref="Protector"/>.
    /// </summary>
    public AfterSales.Quality.Privacy.IMasterKeyProvider? MasterKeys { get; set; }

    /// <summary>
    /// Encrypts the customer's name, contact, address and customer number at rest under one shared key
    /// (the earlier model: free text stays plain and an erasure only rewrites the registration). Prefer <see cref="MasterKeys"/>.
    /// </summary>
    public AfterSales.Quality.Privacy.IPersonalDataProtector? Protector { get; set; }

    /// <summary>
    /// Opts out of encryption: without <see cref="MasterKeys"/> or <see cref="Protector"/> the store refuses
    /// to open unless this is <see langword="true"/>, and then logs a warning. Default <see langword="false"/>.
    /// </summary>
    public bool AllowPlaintextPersonalData { get; set; }

    /// <summary>Where the store logs (the plain-text warning); nothing is logged when null.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; set; }

    /// <summary>Checks every setting and reports all the bad ones at once.</summary>
    /// <exception cref="QualityValidationException">A setting is invalid; the message names each one.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add(new ValidationError(nameof(ConnectionString), "is required (e.g. 'Host=localhost;Database=crm;Username=crm')."));
        }
        else
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException e)
            {
                errors.Add(new ValidationError(nameof(ConnectionString), $"is not a valid Npgsql connection string: {e.Message}"));
            }
        }

        if (Schema is null || !SchemaName().IsMatch(Schema))
        {
            errors.Add(new ValidationError(nameof(Schema), $"must be lower-case letters, digits and '_', start with a letter and have at most 63 characters; '{Schema}' is not."));
        }

        if (MasterKeys is not null && Protector is not null)
        {
            errors.Add(new ValidationError(nameof(MasterKeys), "and Protector are exclusive: MasterKeys encrypts with per-customer keys, Protector with one shared key; set one."));
        }
        else if (MasterKeys is null && Protector is null && !AllowPlaintextPersonalData)
        {
            errors.Add(new ValidationError(nameof(MasterKeys), "is required: set MasterKeys (per-customer keys; erasure destroys the key), or Protector (one shared key), or AllowPlaintextPersonalData = true to store personal data in plain text."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(PostgreSqlTicketStoreOptions), errors);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
