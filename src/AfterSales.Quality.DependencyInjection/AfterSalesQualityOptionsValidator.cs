using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>
/// Validates <see cref="AfterSalesQualityOptions"/> with the core's own validators, reporting every
/// failure with its configuration key (e.g. <c>AfterSalesQuality:Revisit:UnsatisfiedScoreThreshold</c>).
/// </summary>
public sealed partial class AfterSalesQualityOptionsValidator : IValidateOptions<AfterSalesQualityOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AfterSalesQualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.TimeZone) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.TimeZone) is null)
        {
            return ValidateOptionsResult.Fail($"{Key(nameof(AfterSalesQualityOptions.TimeZone))}: '{options.TimeZone}' is not an IANA time zone id (e.g. Asia/Shanghai, Europe/Berlin, UTC).");
        }

        try
        {
            options.ToTicketServiceOptions().Validate();
            return ValidateOptionsResult.Success;
        }
        catch (QualityValidationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Errors.Select(e => $"{Key(MapField(e.Field))}: {e.Message}"));
        }
    }

    /// <summary>The configuration key of a field path such as <c>PriorityRules.Rules[2].Name</c>.</summary>
    internal static string Key(string field) =>
        AfterSalesQualityOptions.SectionName + ":" + IndexPattern().Replace(field, ":$1").Replace('.', ':');

    private static string MapField(string field) => field switch
    {
        _ when field.StartsWith("Numbering.Feedback.Prefix", StringComparison.Ordinal) => "Numbering.FeedbackPrefix",
        _ when field.StartsWith("Numbering.Revisit.Prefix", StringComparison.Ordinal) => "Numbering.RevisitPrefix",
        _ when field.StartsWith("Numbering.Improvement.Prefix", StringComparison.Ordinal) => "Numbering.ImprovementPrefix",
        _ when field.StartsWith("Numbering.", StringComparison.Ordinal) && field.EndsWith(".DatePattern", StringComparison.Ordinal) => "Numbering.DatePattern",
        _ when field.StartsWith("Numbering.", StringComparison.Ordinal) && field.EndsWith(".SequenceDigits", StringComparison.Ordinal) => "Numbering.SequenceDigits",
        _ => field,
    };

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex IndexPattern();
}
