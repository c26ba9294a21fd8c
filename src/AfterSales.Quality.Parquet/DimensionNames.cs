using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Kpi;

namespace AfterSales.Quality.Parquet;

/// <summary>A snapshot of the dimension dictionaries: the names by code, and a digest per dictionary to tell whether a checkpoint's codes still mean the same names.</summary>
internal sealed class DimensionNames
{
    /// <summary>The dimension columns in schema order.</summary>
    internal static readonly FactDimension[] Order = [FactDimension.Team, FactDimension.Agent, FactDimension.Product, FactDimension.Channel, FactDimension.Category, FactDimension.Priority, FactDimension.Segment];

    private static readonly FactDimension[] Dictionaries = [FactDimension.Team, FactDimension.Agent, FactDimension.Product, FactDimension.Channel, FactDimension.Category, FactDimension.Segment];

    private readonly Dictionary<FactDimension, string?[]> names;

    private DimensionNames(Dictionary<FactDimension, string?[]> names) => this.names = names;

    internal static DimensionNames Of(FactDimensions dimensions)
    {
        var names = new Dictionary<FactDimension, string?[]>();
        foreach (var dimension in Dictionaries)
        {
            var dictionary = Dictionary(dimensions, dimension);
            var count = dictionary.Count;
            var values = new string?[count];
            for (var code = 0; code < count; code++)
            {
                var name = dictionary.Decode(code);
                values[code] = name == "(none)" ? null : name;
            }

            names[dimension] = values;
        }

        return new DimensionNames(names);
    }

    /// <summary>The names a dictionary held, by code.</summary>
    internal IReadOnlyList<string?> Names(FactDimension dimension) => names[dimension];

    /// <summary>Refuses a fact whose code no dictionary entry has (before anything is written).</summary>
    internal void Check(TicketFact[] rows)
    {
        for (var row = 0; row < rows.Length; row++)
        {
            var fact = rows[row];
            foreach (var (dimension, code) in new (FactDimension, int)[] { (FactDimension.Team, fact.Team), (FactDimension.Agent, fact.Agent), (FactDimension.Product, fact.Product), (FactDimension.Channel, fact.Channel), (FactDimension.Category, fact.Category), (FactDimension.Segment, fact.Segment) })
            {
                if (code >= names[dimension].Length && !(code == 0 && names[dimension].Length == 0))
                {
                    throw new ArgumentException($"facts[{row}].{dimension}: code {code} is not in the {dimension} dictionary ({names[dimension].Length} names); export the facts with the dimensions they were encoded with.", "facts");
                }
            }
        }
    }

    /// <summary>A fact's name in a dimension; null for "(none)" (code 0 of a dictionary nothing was encoded in is "(none)" too).</summary>
    internal string? NameOf(FactDimension dimension, in TicketFact fact) => dimension switch
    {
        FactDimension.Team => Name(dimension, fact.Team),
        FactDimension.Agent => Name(dimension, fact.Agent),
        FactDimension.Product => Name(dimension, fact.Product),
        FactDimension.Channel => Name(dimension, fact.Channel),
        FactDimension.Category => Name(dimension, fact.Category),
        FactDimension.Segment => Name(dimension, fact.Segment),
        FactDimension.Priority => fact.Priority?.ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };

    private string? Name(FactDimension dimension, int code) => names[dimension] is var values && code < values.Length ? values[code] : null;

    /// <summary>SHA-256 of the first <paramref name="count"/> names of a dictionary (null when it holds fewer).</summary>
    internal string? Digest(FactDimension dimension, int count)
    {
        var values = names[dimension];
        if (count > values.Length)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var code = 0; code < count; code++)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(values[code] ?? "\0"));
            hash.AppendData([0xFF]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    internal static IEnumerable<FactDimension> WithDictionaries => Dictionaries;

    private static DimensionDictionary Dictionary(FactDimensions dimensions, FactDimension dimension) => dimension switch
    {
        FactDimension.Team => dimensions.Teams,
        FactDimension.Agent => dimensions.Agents,
        FactDimension.Product => dimensions.Products,
        FactDimension.Channel => dimensions.Channels,
        FactDimension.Category => dimensions.Categories,
        _ => dimensions.Segments,
    };
}
