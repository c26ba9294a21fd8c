using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Import;

/// <summary>A figure a source export carries per case that the library recomputes from the imported history.</summary>
public enum SourceFigure
{
    /// <summary>How many times the case was reopened (ServiceNow <c>reopen_count</c>; Zendesk <c>reopens</c>); compared with <c>Ticket.ReopenCount</c>.</summary>
    ReopenCount = 0,

    /// <summary>How many times it changed group or agent (ServiceNow <c>reassignment_count</c>; Zendesk <c>group_stations</c> − 1); compared with <c>Ticket.ReassignmentCount</c>.</summary>
    ReassignmentCount = 1,

    /// <summary>Whether the source's SLA was met (ServiceNow <c>made_sla</c>, <c>true</c>/<c>false</c>); compared with the library's resolution target (met or not) under the given SLA policies.</summary>
    MadeSla = 2,

    /// <summary>The case's final priority (its last row's value, read through <see cref="EventLogMapping.PriorityValues"/>); compared with <c>Ticket.Priority</c>.</summary>
    FinalPriority = 3,
}

/// <summary>One case whose source figure differs from the library's.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="SourceValue">The export's value (its last row's).</param>
/// <param name="LibraryValue">The library's recomputation, or <c>(none)</c>.</param>
/// <param name="Reason">What differs, in words.</param>
public sealed record FigureDisagreement(string CaseId, string SourceValue, string LibraryValue, string Reason);

/// <summary>How one source figure compares with the library's recomputation over every case of the export.</summary>
/// <param name="Figure">The figure.</param>
/// <param name="Column">The export's column.</param>
/// <param name="Agreed">Cases where both agree.</param>
/// <param name="Disagreed">Cases where they differ.</param>
/// <param name="NotCompared">Cases that could not be compared: the source cell is empty or unreadable, or the case is not in the store.</param>
/// <param name="FirstDisagreements">The first disagreements, in file order of their cases.</param>
public sealed record FigureReconciliation(SourceFigure Figure, string Column, int Agreed, int Disagreed, int NotCompared, IReadOnlyList<FigureDisagreement> FirstDisagreements)
{
    /// <summary>Agreed as a share of the cases compared (1 when none were).</summary>
    public double AgreementRate => Agreed + Disagreed == 0 ? 1 : (double)Agreed / (Agreed + Disagreed);
}

/// <summary>A reconciliation of an import: one entry per figure the mapping reconciles (<see cref="EventLogMapping.ReconciledFigures"/>).</summary>
/// <param name="Cases">Cases in the export.</param>
/// <param name="Figures">Each figure's comparison.</param>
public sealed record ReconciliationReport(int Cases, IReadOnlyList<FigureReconciliation> Figures)
{
    /// <summary>The comparison of one figure.</summary>
    /// <param name="figure">The figure.</param>
    /// <returns>Its comparison.</returns>
    /// <exception cref="KeyNotFoundException">The mapping does not reconcile that figure.</exception>
    public FigureReconciliation this[SourceFigure figure] => Figures.FirstOrDefault(f => f.Figure == figure) ?? throw new KeyNotFoundException($"The mapping does not reconcile {figure}.");
}
