namespace AfterSales.Quality.Tickets;

/// <summary>How a revisit was (or was tried to be) made.</summary>
public enum RevisitMethod
{
    /// <summary>By phone.</summary>
    Phone = 0,

    /// <summary>Online (chat, message, email, app).</summary>
    Online = 1,

    /// <summary>In person, on site.</summary>
    OnSite = 2,
}

/// <summary>The outcome of a revisit.</summary>
public enum RevisitOutcome
{
    /// <summary>
    /// The customer confirms the problem is resolved and the score is above the unsatisfied threshold: the customer
    /// accepts the result and the loop may close. This is acceptance, not the CSAT "satisfied" of the KPIs: with the
    /// default threshold 2 a score of 3 is accepted (neutral) but only 4–5 count in the satisfied share.
    /// </summary>
    Satisfied = 0,

    /// <summary>Not resolved, or a score at or below the threshold: the ticket reopens to triage.</summary>
    Unsatisfied = 1,

    /// <summary>The customer could not be reached after the allowed number of attempts.</summary>
    Unreachable = 2,
}
