namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// The ticket store could not be opened or migrated while the host was starting: the host stops
/// before "Application started". The message names the configuration key the store was set with and
/// the file or server it points at (never a password); the driver's error is the inner exception.
/// </summary>
public sealed class TicketStoreStartupException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="configurationKey">The key the store's location came from, e.g. <c>ConnectionStrings:AfterSalesQuality</c>.</param>
    /// <param name="target">The file path or server (host, port, database, user) the store points at, without secrets.</param>
    /// <param name="reason">What went wrong, in a sentence.</param>
    /// <param name="innerException">The driver's error.</param>
    public TicketStoreStartupException(string configurationKey, string target, string reason, Exception? innerException)
        : base($"The AfterSales.Quality ticket store could not be opened at start-up: {configurationKey} = '{target}': {reason}", innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationKey);
        ArgumentNullException.ThrowIfNull(target);
        ConfigurationKey = configurationKey;
        Target = target;
    }

    /// <summary>The configuration key the store's location came from.</summary>
    public string ConfigurationKey { get; }

    /// <summary>The file path or server the store points at, without secrets.</summary>
    public string Target { get; }
}
