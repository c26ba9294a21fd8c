using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace AfterSales.Quality.Tests.Architecture;

/// <summary>
/// The core's folders form layers and a reference only ever points down (docs/architecture.md).
/// A room is a top-level folder of the core (and its namespace, with any sub-namespace inside it,
/// except a sub-namespace listed as a room of its own). Rooms on one layer do not reference each other.
/// </summary>
public sealed class LayerTests
{
    private const string Root = "AfterSales.Quality";

    /// <summary>Bottom to top. Every namespace of the core belongs to exactly one room.</summary>
    internal static readonly string[][] Layers =
    [
        [Root],
        [$"{Root}.Diagnostics", $"{Root}.Calendars", $"{Root}.Prioritization", $"{Root}.Numbering", $"{Root}.Privacy"],
        [$"{Root}.Tickets"],
        [$"{Root}.Sla", $"{Root}.Storage"],
        [$"{Root}.Kpi"],
        [$"{Root}.Kpi.Analysis", $"{Root}.FeedbackLoop"],
        [$"{Root}.ReadModels"],
        [$"{Root}.Service"],
    ];

    private static readonly Assembly Core = typeof(QualityValidationException).Assembly;

    private static IEnumerable<string> Rooms => Layers.SelectMany(layer => layer);

    private static int LayerOf(string room) => Array.FindIndex(Layers, layer => layer.Contains(room));

    /// <summary>The room a namespace belongs to: the longest room name it equals or extends (the root only when equal).</summary>
    internal static string? RoomOf(string? ns)
    {
        if (ns is null)
        {
            return null;
        }

        return Rooms.Where(room => ns == room || (room != Root && ns.StartsWith(room + ".", StringComparison.Ordinal)))
            .OrderByDescending(room => room.Length)
            .FirstOrDefault();
    }

    /// <summary>The namespaces that are in <paramref name="room"/> (the room and its sub-namespaces that are not rooms).</summary>
    private static Regex NamespacesOf(string room)
    {
        var nested = Rooms.Where(other => other != room && other.StartsWith(room + ".", StringComparison.Ordinal)).ToList();
        var exclusions = string.Concat(nested.Select(n => $"(?!{Regex.Escape(n[(room.Length + 1)..])}(\\.|$))"));
        return room == Root
            ? new Regex($"^{Regex.Escape(room)}$")
            : new Regex($"^{Regex.Escape(room)}(\\.{exclusions}[\\w.]+)?$");
    }

    public static TheoryData<string, string> ForbiddenReferences()
    {
        var data = new TheoryData<string, string>();
        foreach (var room in Rooms)
        {
            foreach (var other in Rooms.Where(other => other != room))
            {
                var (mine, theirs) = (LayerOf(room), LayerOf(other));
                if (theirs >= mine)
                {
                    data.Add(room, other);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ForbiddenReferences))]
    public void A_room_never_references_a_room_on_its_own_or_a_higher_layer(string room, string forbidden)
    {
        // Only the forbidden room's own namespaces: a nested room of it may be lower or higher.
        var forbiddenNamespaces = Core.GetTypes().Select(t => t.Namespace).Where(ns => RoomOf(ns) == forbidden).Distinct().Cast<string>().ToArray();
        Assert.NotEmpty(forbiddenNamespaces);
        var result = Types.InAssembly(Core).That().ResideInNamespaceMatching(NamespacesOf(room).ToString())
            .ShouldNot().HaveDependencyOnAny(forbiddenNamespaces)
            .GetResult();
        var offenders = (result.FailingTypes ?? []).Select(t => t.FullName);
        Assert.True(result.IsSuccessful, $"{room} (layer {LayerOf(room)}) references {forbidden} (layer {LayerOf(forbidden)}): {string.Join(", ", offenders)}");
    }

    [Fact]
    public void Every_namespace_of_the_core_belongs_to_a_room()
    {
        var strays = Core.GetTypes().Select(t => t.Namespace).Distinct().Where(ns => ns is not null && ns.StartsWith(Root, StringComparison.Ordinal) && RoomOf(ns) is null);
        Assert.Empty(strays);
        Assert.All(Rooms, room => Assert.Contains(Core.GetTypes(), t => RoomOf(t.Namespace) == room));
    }

    [Fact]
    public void The_rule_sees_real_references()
    {
        // Guards the theory above against passing vacuously: known downward references are found,
        // and a room's pattern takes in its own namespaces but not a nested room.
        var service = Types.InAssembly(Core).That().HaveName("TicketService").ShouldNot().HaveDependencyOnAny($"{Root}.Storage", $"{Root}.Tickets").GetResult();
        Assert.False(service.IsSuccessful);
        var kpi = Types.InAssembly(Core).That().ResideInNamespaceMatching(NamespacesOf($"{Root}.Kpi").ToString()).GetTypes().ToList();
        Assert.Contains(kpi, t => t.Name == "KpiEngine");
        Assert.DoesNotContain(kpi, t => t.Namespace == $"{Root}.Kpi.Analysis");
        var root = Types.InAssembly(Core).That().ResideInNamespaceMatching(NamespacesOf(Root).ToString()).GetTypes().ToList();
        Assert.Contains(root, t => t.Name == nameof(QualityValidationException));
        Assert.All(root, t => Assert.Equal(Root, t.Namespace));
    }
}
