namespace AfterSales.Quality.Tickets;

/// <summary>Whether the customer is a person or a company.</summary>
public enum CustomerKind
{
    /// <summary>A private person.</summary>
    Person = 0,

    /// <summary>A company.</summary>
    Company = 1,
}
