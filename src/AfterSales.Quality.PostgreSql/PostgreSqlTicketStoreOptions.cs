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

    /// <summary>Encrypts the customer's name, contact, address and customer number at rest. Strongly recommended; null stores them in plain text.</summary>
    public AfterSales.Quality.Privacy.IPersonalDataProtector? Protector { get; set; }

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

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(PostgreSqlTicketStoreOptions), errors);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
