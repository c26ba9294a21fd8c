namespace AfterSales.Quality.Prioritization;

/// <summary>
/// The channel a ticket arrived through: a KPI dimension. The channels of the guides are
/// predefined; the set is open (compared by lower-case name). Immutable.
/// </summary>
[System.ComponentModel.TypeConverter(typeof(AfterSales.Quality.Prioritization.ServiceChannelConverter))]
public readonly record struct ServiceChannel
{
    /// <summary>Phone.</summary>
    public static readonly ServiceChannel Phone = new("phone");

    /// <summary>Online (live) chat.</summary>
    public static readonly ServiceChannel OnlineChat = new("online-chat");

    /// <summary>Email.</summary>
    public static readonly ServiceChannel Email = new("email");

    /// <summary>Official account / social media.</summary>
    public static readonly ServiceChannel SocialMedia = new("social-media");

    /// <summary>The company's app.</summary>
    public static readonly ServiceChannel App = new("app");

    /// <summary>A web form.</summary>
    public static readonly ServiceChannel WebForm = new("web-form");

    /// <summary>A paper form.</summary>
    public static readonly ServiceChannel PaperForm = new("paper-form");

    private readonly string? name;

    /// <summary>Creates a channel from its name (letters, digits, '-', '_', '.'; 1–64 characters).</summary>
    /// <param name="name">The channel name.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or has invalid characters.</exception>
    public ServiceChannel(string name)
    {
        Preconditions.CheckNotBlank(name);
        Preconditions.CheckArgument(
            name.Length <= 64 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.'),
            nameof(name),
            $"A channel name has 1-64 letters, digits, '-', '_' or '.'; '{name}' is not one.");
        this.name = name.ToLowerInvariant();
    }

    /// <summary>The channel name, lower case (<c>phone</c> for the default value).</summary>
    public string Name => name ?? "phone";

    /// <summary>Whether two channels have the same name.</summary>
    /// <param name="other">The other channel.</param>
    /// <returns><see langword="true"/> when the names are equal.</returns>
    public bool Equals(ServiceChannel other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
