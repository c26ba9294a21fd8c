namespace AfterSales.Quality.Prioritization;

/// <summary>
/// The category of a ticket. The four categories of the guides are predefined; the set is open,
/// so a host can use its own (e.g. <c>billing</c>). Compared by name, case-insensitively.
/// Immutable and thread-safe.
/// </summary>
[System.ComponentModel.TypeConverter(typeof(TicketCategoryConverter))]
public readonly record struct TicketCategory
{
    /// <summary>A defect of the product: it does not work as specified.</summary>
    public static readonly TicketCategory ProductFault = new("product-fault");

    /// <summary>A problem with how the service was delivered (attitude, punctuality, briefing...).</summary>
    public static readonly TicketCategory ServiceExperience = new("service-experience");

    /// <summary>A suggestion or a requirement for the product or the service.</summary>
    public static readonly TicketCategory Suggestion = new("suggestion");

    /// <summary>A complaint: handled under the negative-feedback rule and floored at P1 by default.</summary>
    public static readonly TicketCategory Complaint = new("complaint");

    private readonly string? name;

    /// <summary>Creates a category from its name (letters, digits, '-', '_', '.'; 1–64 characters).</summary>
    /// <param name="name">The category name, e.g. <c>product-fault</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or has invalid characters.</exception>
    public TicketCategory(string name)
    {
        Preconditions.CheckNotBlank(name);
        Preconditions.CheckArgument(
            name.Length <= 64 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.'),
            nameof(name),
            $"A category name has 1-64 letters, digits, '-', '_' or '.'; '{name}' is not one.");
        this.name = name.ToLowerInvariant();
    }

    /// <summary>The category name, lower case (<c>product-fault</c> for the default value).</summary>
    public string Name => name ?? ProductFault.name!;

    /// <summary>Whether two categories have the same name.</summary>
    /// <param name="other">The other category.</param>
    /// <returns><see langword="true"/> when the names are equal.</returns>
    public bool Equals(TicketCategory other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
