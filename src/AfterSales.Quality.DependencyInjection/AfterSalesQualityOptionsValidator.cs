using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using AfterSales.Quality.FeedbackLoop;
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

        var failures = new List<string>();
        try
        {
            options.ToTicketServiceOptions().Validate();
        }
        catch (QualityValidationException ex)
        {
            failures.AddRange(ex.Errors.Select(e => $"{Key(e.Field)}: {e.Message}"));
        }

        try
        {
            options.ToSlaPolicySet().Validate();
        }
        catch (AfterSales.Quality.Calendars.CalendarConfigurationException ex)
        {
            failures.AddRange(ex.Errors.Select(CalendarFailure));
        }
        catch (QualityValidationException ex)
        {
            failures.AddRange(ex.Errors.Select(e => $"{Key(SlaField(e.Field, options))}: {e.Message.Replace("SlaPolicySet.", nameof(AfterSalesQualityOptions.SlaPolicies) + ".", StringComparison.Ordinal)}"));
        }

        if (options.ImprovementPlans is null)
        {
            failures.Add($"{Key(nameof(AfterSalesQualityOptions.ImprovementPlans))}: is required.");
        }
        else
        {
            try
            {
                // Only the plans' own settings: their calendar and numbers are checked above, under the desk's keys.
                new ImprovementPlanOptions { AfterSalesLead = options.ImprovementPlans.AfterSalesLead, DelayRequestLeadWorkingDays = options.ImprovementPlans.DelayRequestLeadWorkingDays }.Validate();
            }
            catch (QualityValidationException ex)
            {
                failures.AddRange(ex.Errors.Select(e => $"{Key(nameof(AfterSalesQualityOptions.ImprovementPlans) + "." + e.Field)}: {e.Message}"));
            }
        }

        if (options.DispatchedRetention != TimeSpan.Zero && (options.DispatchedRetention < TimeSpan.FromDays(1) || options.DispatchedRetention > TimeSpan.FromDays(3650)))
        {
            failures.Add($"{Key(nameof(AfterSalesQualityOptions.DispatchedRetention))}: must be between 1.00:00:00 and 3650.00:00:00, or 00:00:00 to keep every record; it was {options.DispatchedRetention}.");
        }

        if (options.ScanInterval < TimeSpan.FromSeconds(1) || options.ScanInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{Key(nameof(AfterSalesQualityOptions.ScanInterval))}: must be between 00:00:01 and 01:00:00; it was {options.ScanInterval}.");
        }

        if (options.SnapshotInterval != TimeSpan.Zero && (options.SnapshotInterval < TimeSpan.FromSeconds(1) || options.SnapshotInterval > TimeSpan.FromHours(24)))
        {
            failures.Add($"{Key(nameof(AfterSalesQualityOptions.SnapshotInterval))}: must be 00:00:00 (off) or between 00:00:01 and 1.00:00:00; it was {options.SnapshotInterval}.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(3) || options.LeaseDuration > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Key(nameof(AfterSalesQualityOptions.LeaseDuration))}: must be between 00:00:03 and 00:10:00; it was {options.LeaseDuration}.");
        }

        if (options.SurveyDelay < TimeSpan.Zero || options.SurveyDelay > TimeSpan.FromHours(24))
        {
            failures.Add($"{Key(nameof(AfterSalesQualityOptions.SurveyDelay))}: must be between 00:00:00 and 24:00:00; it was {options.SurveyDelay}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// A calendar error under the binder's key: <c>AfterSalesQuality:Calendar:WeeklyHours:Monday:0: …</c> when it names a
    /// setting of the calendar (spelled as the binder spells it), else <c>AfterSalesQuality:Calendar: …</c>.
    /// </summary>
    private static string CalendarFailure(string error)
    {
        var calendar = Key(nameof(AfterSalesQualityOptions.Calendar));
        var field = error.Split(':', 2)[0];
        return CalendarSettings.Contains(field) ? $"{calendar}:{error}" : $"{calendar}: {error}";
    }

    private static readonly HashSet<string> CalendarSettings = typeof(AfterSales.Quality.Calendars.BusinessCalendarOptions)
        .GetProperties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>A policy-set field under the options' own names: the lead time set in configuration under its own key, the rest under <c>SlaPolicies</c>.</summary>
    private static string SlaField(string field, AfterSalesQualityOptions options) =>
        field == $"{nameof(Sla.SlaPolicySet)}.{nameof(Sla.SlaPolicySet.EscalationWarningLeadTime)}" && options.EscalationWarningLeadTime is not null
            ? nameof(AfterSalesQualityOptions.EscalationWarningLeadTime)
            : field.Replace(nameof(Sla.SlaPolicySet), nameof(AfterSalesQualityOptions.SlaPolicies), StringComparison.Ordinal);

    /// <summary>The configuration key of a field path such as <c>PriorityRules.Rules[2].Name</c>.</summary>
    internal static string Key(string field) =>
        AfterSalesQualityOptions.SectionName + ":" + IndexPattern().Replace(field, ":$1").Replace('.', ':');

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex IndexPattern();
}
