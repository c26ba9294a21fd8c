namespace AfterSales.Quality;

/// <summary>
/// One problem found while validating a command or a configuration object.
/// </summary>
/// <param name="Field">The public name of the offending field, e.g. <c>Contact</c> or <c>Rules[2].Priority</c>.</param>
/// <param name="Message">What is wrong and what would be valid.</param>
public sealed record ValidationError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>
/// Thrown when a command or a configuration object fails validation. Every problem found is
/// listed at once in <see cref="Errors"/>, and the message names each offending field.
/// Nothing was recorded or changed when this is thrown.
/// </summary>
public sealed class QualityValidationException : ArgumentException
{
    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="subject">What was validated, e.g. <c>RegisterTicket</c>.</param>
    /// <param name="errors">The problems found; at least one.</param>
    public QualityValidationException(string subject, IReadOnlyList<ValidationError> errors)
        : base(BuildMessage(subject, errors), errors.Count > 0 ? errors[0].Field : null)
    {
        Subject = subject;
        Errors = errors;
    }

    /// <summary>What was validated, e.g. <c>RegisterTicket</c> or <c>TicketServiceOptions</c>.</summary>
    public string Subject { get; }

    /// <summary>Every problem found, in the order the fields were checked.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string BuildMessage(string subject, IReadOnlyList<ValidationError> errors) =>
        errors.Count == 1
            ? $"{subject} is invalid: {errors[0]}"
            : $"{subject} is invalid ({errors.Count} errors):{Environment.NewLine}" +
              string.Join(Environment.NewLine, errors.Select(e => "  - " + e));
}

/// <summary>Collects validation errors, then throws them all at once.</summary>
internal sealed class ValidationCollector(string subject)
{
    private readonly List<ValidationError> errors = [];

    public bool HasErrors => errors.Count > 0;

    public void Add(string field, string message) => errors.Add(new ValidationError(field, message));

    public bool Required(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required and must not be empty.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// A text field every store can keep: at most <paramref name="max"/> characters, no control
    /// character but tab, CR and LF (PostgreSQL refuses NUL), and no unpaired surrogate (not
    /// encodable as UTF-8). The message names the first offending character by position, never the text.
    /// </summary>
    public void MaxLength(string? value, int max, string field)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > max)
        {
            Add(field, $"must be at most {max} characters; it has {value.Length}.");
            return;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n'))
            {
                Add(field, $"holds the control character U+{(int)c:X4} at position {i}; only tab, CR and LF are allowed.");
                return;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }

                Add(field, $"holds an unpaired surrogate (U+{(int)c:X4}) at position {i}: not valid Unicode text.");
                return;
            }
        }
    }

    /// <summary>A name-like field (an actor, a department, a reason): at most 200 characters, see <see cref="MaxLength"/>.</summary>
    public void Name(string? value, string field) => MaxLength(value, 200, field);

    /// <summary>A free-text field (a summary, a note, a solution): at most 8,000 characters, see <see cref="MaxLength"/>.</summary>
    public void Text(string? value, string field) => MaxLength(value, 8000, field);

    /// <summary>Validates a list of named items: the list is required, no item is null, names are present and unique (case-insensitive); <paramref name="validate"/> checks the rest of each item.</summary>
    public void NamedItems<T>(IReadOnlyList<T>? items, string field, string noun, Func<T, string?> name, Action<T, string> validate)
        where T : class
    {
        if (items is null)
        {
            Add(field, "is required.");
            return;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var itemField = $"{field}[{i}]";
            if (item is null)
            {
                Add(itemField, "must not be null.");
                continue;
            }

            var itemName = name(item);
            if (Required(itemName, $"{itemField}.Name") && !names.Add(itemName!))
            {
                Add($"{itemField}.Name", $"'{itemName}' is used by an earlier {noun}; {noun} names must be unique.");
            }

            validate(item, itemField);
        }
    }

    public void ThrowIfAny()
    {
        if (errors.Count > 0)
        {
            throw new QualityValidationException(subject, errors.ToArray());
        }
    }
}
