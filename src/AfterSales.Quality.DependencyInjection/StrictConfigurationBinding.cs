using System.Diagnostics.CodeAnalysis;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// Binds options from configuration strictly: where the configuration binder is silent, this refuses,
/// naming the configuration key. The binder drops a list item whose value does not convert (a rule with
/// <c>Priority=P7</c> or a misspelled severity vanishes), closes holes in list indexes (items 0 and 2 become
/// 0 and 1), accepts an enum's number or a comma list for a name, and ignores a key no setting has (a
/// misspelled condition makes a rule match everything). A strict binding checks the section against the
/// options type first and binds only a section that passes; each problem is a validation failure
/// (<see cref="OptionsValidationException"/> at start with <c>ValidateOnStart</c>) spelled
/// as the binder spells keys: <c>AfterSalesQuality:PriorityRules:Rules:1:Priority</c>.
/// </summary>
[RequiresUnreferencedCode(StrictConfigurationBinding.ReflectionWarning)]
[RequiresDynamicCode(StrictConfigurationBinding.ReflectionWarning)]
public static class StrictConfigurationBinding
{
    internal const string ReflectionWarning = "Binds options from configuration by reflection; in a trimmed or Native AOT application configure the options in code.";

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> strictly (see the type's remarks):
    /// a section with problems is not bound, and every problem is reported by the options' validation.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="section">The section to bind.</param>
    /// <param name="ignoredKeys">Child keys of <paramref name="section"/> read by someone else (e.g. a store package's own section).</param>
    /// <returns>The builder.</returns>
    public static OptionsBuilder<TOptions> BindStrictly<TOptions>(this OptionsBuilder<TOptions> builder, IConfiguration section, params string[] ignoredKeys)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(ignoredKeys);
        var ignored = ignoredKeys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        builder.Configure(options =>
        {
            if (Check(typeof(TOptions), section, ignored).Count == 0)
            {
                section.Bind(options);
            }
        });
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(builder.Name, section));
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new StrictBindingValidator<TOptions>(builder.Name, section, ignored));
        return builder;
    }

    /// <summary>
    /// Every problem binding <paramref name="section"/> to <paramref name="type"/> would hide: values that do not
    /// convert, enum values that are not a name of the enum, list indexes that are not 0, 1, 2, … and keys that
    /// are no setting of the type. Each is <c>key: problem</c>, the key spelled as the binder spells it.
    /// </summary>
    /// <param name="type">The options type.</param>
    /// <param name="section">The section.</param>
    /// <param name="ignoredKeys">Child keys of <paramref name="section"/> not to check.</param>
    /// <returns>The problems; empty when the section binds faithfully.</returns>
    public static IReadOnlyList<string> Check(Type type, IConfiguration section, IReadOnlySet<string>? ignoredKeys = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(section);
        var errors = new List<string>();
        var children = section.GetChildren().Where(c => ignoredKeys is null || !ignoredKeys.Contains(c.Key));
        CheckChildren(type, section is IConfigurationSection s ? s.Path : "", children.ToList(), errors);
        return errors;
    }

    private static void CheckNode(Type type, IConfigurationSection section, List<string> errors)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var target = underlying ?? type;
        var children = section.GetChildren().ToList();
        if (IsScalar(target))
        {
            if (children.Count > 0)
            {
                errors.Add($"{section.Path}: is a single value ({Describe(target)}), not a section; it has keys {string.Join(", ", children.Select(c => c.Key))}.");
            }
            else if (section.Value is { } value)
            {
                CheckValue(target, underlying is not null, section.Path, value, errors);
            }

            return;
        }

        if (section.Value is { Length: > 0 } text && children.Count == 0)
        {
            errors.Add($"{section.Path}: is a section ({Describe(target)}), not a single value; '{text}' cannot be bound to it.");
            return;
        }

        CheckChildren(target, section.Path, children, errors);
    }

    private static void CheckChildren(Type type, string path, List<IConfigurationSection> children, List<string> errors)
    {
        if (children.Count == 0)
        {
            return;
        }

        if (DictionaryTypes(type) is var (keyType, valueType))
        {
            foreach (var child in children)
            {
                if (keyType != typeof(string))
                {
                    CheckValue(keyType, false, child.Path, child.Key, errors);
                }

                CheckNode(valueType, child, errors);
            }

            return;
        }

        if (ElementType(type) is { } elementType)
        {
            CheckIndexes(path, children, errors);
            foreach (var child in children)
            {
                CheckNode(elementType, child, errors);
            }

            return;
        }

        if (type.IsInterface || type.IsAbstract || type == typeof(object))
        {
            errors.Add($"{path}: {Describe(type)} cannot be set from configuration; set it in code.");
            return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
            .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckNode(property.PropertyType, child, errors);
            }
            else
            {
                errors.Add($"{child.Path}: is not a setting of {type.Name} (its settings: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}).");
            }
        }
    }

    private static void CheckIndexes(string path, List<IConfigurationSection> children, List<string> errors)
    {
        var indexes = new List<int>();
        foreach (var child in children)
        {
            if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index.ToString(CultureInfo.InvariantCulture) == child.Key)
            {
                indexes.Add(index);
            }
            else
            {
                errors.Add($"{child.Path}: '{child.Key}' is not a list index; a list's items are keyed 0, 1, 2, …");
            }
        }

        indexes.Sort();
        var missing = Enumerable.Range(0, indexes.Count == 0 ? 0 : indexes[^1] + 1).Except(indexes).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"{path}: has items {string.Join(", ", indexes)} but no item {string.Join(", ", missing)}; a list's items are keyed 0, 1, 2, … without holes (the binder would close the hole and renumber the items after it).");
        }
    }

    private static void CheckValue(Type type, bool nullable, string path, string value, List<string> errors)
    {
        if (type == typeof(string))
        {
            return;
        }

        if (value.Length == 0)
        {
            if (!nullable)
            {
                errors.Add($"{path}: is empty; expected {Describe(type)}.");
            }

            return;
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            if (!names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}: '{value}' is not a {type.Name}; expected one of {string.Join(", ", names)}.");
            }

            return;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidOperationException
            || ex.InnerException is FormatException or ArgumentException or OverflowException)
        {
            errors.Add($"{path}: '{value}' is not {Describe(type)}: {(ex.InnerException ?? ex).Message}");
        }
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type.IsEnum || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static (Type Key, Type Value)? DictionaryTypes(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && (candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>) || candidate.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            {
                var arguments = candidate.GetGenericArguments();
                return (arguments[0], arguments[1]);
            }
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a time span (hh:mm:ss)",
        _ when type == typeof(double) || type == typeof(decimal) => "a number",
        _ => "a " + type.Name,
    };

    /// <summary>Reports the problems of a strictly bound section as validation failures.</summary>
    [RequiresUnreferencedCode(ReflectionWarning)]
    [RequiresDynamicCode(ReflectionWarning)]
    private sealed class StrictBindingValidator<TOptions>(string? name, IConfiguration section, IReadOnlySet<string> ignored) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (name is not null && optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var errors = Check(typeof(TOptions), section, ignored);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
