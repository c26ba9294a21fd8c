using AfterSales.Quality.Service;
using NodaTime.Testing;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>The report job's access to the feedback text of <see cref="ReportData"/> (ReportData.cs is shared with tests that do not reference Reporting).</summary>
internal static class ReportDataTextAccess
{
    /// <summary>The role the reports' text access policy lets read feedback text.</summary>
    public const string AnalystRole = "quality-analyst";

    /// <summary>The report job reading feedback text through the guard over the data's store and its audit; with another role the policy denies it.</summary>
    public static ReportTextAccess TextAccess(this ReportData data, string role = AnalystRole) => new()
    {
        Guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy(AnalystRole), data.Store, new FakeClock(data.Now)),
        Reader = new Viewer("quality-report", new HashSet<string> { role }),
    };
}
