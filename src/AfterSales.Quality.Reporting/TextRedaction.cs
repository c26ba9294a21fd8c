using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Redacts what looks like personal data from free text before a report shows it: e-mail
/// addresses and runs of seven or more digits (phone, ID and card numbers, with or without
/// spaces, dashes or a leading +) become <c>[redacted]</c>. Thread-safe.
/// </summary>
public static partial class TextRedaction
{
    /// <summary>The text that replaces what was redacted.</summary>
    public const string Placeholder = "[redacted]";

    /// <summary>Redacts a text.</summary>
    /// <param name="text">The text; null stays null.</param>
    /// <returns>The redacted text.</returns>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = Email().Replace(text, Placeholder);
        return LongNumber().Replace(text, Placeholder);
    }

    [GeneratedRegex(@"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\+?\d(?:[\s-]?\d){6,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongNumber();
}
