using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AfterSales.Quality;

/// <summary>
/// Argument checks shared by the whole library. Messages state the valid range and the
/// parameter name is always the public name of the offending argument or field.
/// </summary>
internal static class Preconditions
{
    public static T CheckNotNull<T>([NotNull] T? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        where T : class
    {
        if (argument is null)
        {
            throw new ArgumentNullException(paramName);
        }

        return argument;
    }

    public static string CheckNotBlank([NotNull] string? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
    {
        if (argument is null)
        {
            throw new ArgumentNullException(paramName, $"'{paramName}' is required.");
        }

        if (string.IsNullOrWhiteSpace(argument))
        {
            throw new ArgumentException($"'{paramName}' must not be empty or white space.", paramName);
        }

        return argument;
    }

    public static int CheckRange(int value, int minInclusive, int maxInclusive, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value < minInclusive || value > maxInclusive)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"'{paramName}' must be between {minInclusive} and {maxInclusive} inclusive; it was {value}.");
        }

        return value;
    }

    public static void CheckArgument([DoesNotReturnIf(false)] bool expression, string paramName, string message)
    {
        if (!expression)
        {
            throw new ArgumentException(message, paramName);
        }
    }
}
