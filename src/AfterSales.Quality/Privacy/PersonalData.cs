using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace AfterSales.Quality.Privacy;

/// <summary>
/// The data classification of the customer's personal data (name, contact, address, purchase
/// history), for Microsoft.Extensions.Compliance: register <see cref="PersonalDataMaskingRedactor"/>
/// for <see cref="PersonalData"/> and every log or export that honours classifications masks it.
/// </summary>
public static class PersonalDataTaxonomy
{
    /// <summary>The taxonomy name: <c>AfterSalesQuality</c>.</summary>
    public const string TaxonomyName = "AfterSalesQuality";

    /// <summary>The classification of personal data.</summary>
    public static DataClassification PersonalData { get; } = new(TaxonomyName, nameof(PersonalData));
}

/// <summary>Marks a member as the customer's personal data.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false)]
public sealed class PersonalDataAttribute : DataClassificationAttribute
{
    /// <summary>Creates the attribute.</summary>
    public PersonalDataAttribute()
        : base(PersonalDataTaxonomy.PersonalData)
    {
    }
}

/// <summary>
/// Masks personal data the way the guides show it: a phone number keeps its first 3 and last 4
/// digits (<c>138****5678</c>), an email its first letter and domain (<c>z***@example.cn</c>), a
/// name its first word or first character (<c>Zhang*</c>, <c>张*</c>), anything else its first
/// quarter. Thread-safe (stateless).
/// </summary>
public static class PersonalDataMasking
{
    /// <summary>Masks a phone number or an email address.</summary>
    /// <param name="contact">The contact; null or empty stays as it is.</param>
    /// <returns>The masked contact.</returns>
    public static string MaskContact(string? contact)
    {
        if (string.IsNullOrEmpty(contact))
        {
            return contact ?? "";
        }

        var at = contact.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return contact[0] + "***" + contact[at..];
        }

        var digits = contact.Count(char.IsAsciiDigit);
        if (digits < 8)
        {
            return MaskText(contact);
        }

        // Keep the first 3 and the last 4 digits; separators are dropped so the mask has a fixed shape.
        var only = new string(contact.Where(char.IsAsciiDigit).ToArray());
        return only[..3] + "****" + only[^4..];
    }

    /// <summary>Masks a person's or a company's name.</summary>
    /// <param name="name">The name; null or empty stays as it is.</param>
    /// <returns>The masked name.</returns>
    public static string MaskName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return name ?? "";
        }

        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return (space > 0 ? trimmed[..space] : trimmed[..1]) + "*";
    }

    /// <summary>Masks free text such as an address: keeps the first quarter (at most 6 characters).</summary>
    /// <param name="text">The text; null or empty stays as it is.</param>
    /// <returns>The masked text.</returns>
    public static string MaskText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var keep = Math.Min(6, text.Length / 4);
        return text[..keep] + "****";
    }
}

/// <summary>
/// A Microsoft.Extensions.Compliance redactor that masks like <see cref="PersonalDataMasking.MaskContact"/>
/// for contacts and <see cref="PersonalDataMasking.MaskText"/> otherwise, so logs and exports show
/// <c>138****5678</c> instead of the number.
/// </summary>
public sealed class PersonalDataMaskingRedactor : Redactor
{
    /// <inheritdoc />
    public override int GetRedactedLength(ReadOnlySpan<char> input) => Mask(input).Length;

    /// <inheritdoc />
    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var masked = Mask(source);
        masked.AsSpan().CopyTo(destination);
        return masked.Length;
    }

    private static string Mask(ReadOnlySpan<char> input)
    {
        var text = input.ToString();
        return text.Contains('@', StringComparison.Ordinal) || text.Count(char.IsAsciiDigit) >= 8
            ? PersonalDataMasking.MaskContact(text)
            : PersonalDataMasking.MaskText(text);
    }
}
