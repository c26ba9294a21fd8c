using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace AfterSales.Quality.Tests.Architecture;

/// <summary>
/// NodaTime's habit: immutability is enforced by reflection. Every public class of the core is
/// sealed (or abstract, or static); every public type whose documentation says it is immutable has
/// no public setter (init-only is fine), no writable public field, and is a readonly struct when a struct.
/// </summary>
public sealed class ImmutabilityTests
{
    private static readonly Assembly Core = typeof(QualityValidationException).Assembly;

    private static readonly Lazy<XDocument> Docs = new(() =>
    {
        var path = Path.ChangeExtension(Core.Location, ".xml");
        Assert.True(File.Exists(path), $"The core's XML documentation is not beside it: {path}");
        return XDocument.Load(path);
    });

    private static IEnumerable<Type> PublicTypes => Core.GetExportedTypes();

    private static string SummaryOf(Type type)
    {
        var id = "T:" + type.FullName!.Replace('+', '.');
        var member = Docs.Value.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == id);
        return member?.Element("summary")?.Value ?? "";
    }

    private static bool DocumentedImmutable(Type type) =>
        SummaryOf(type).Contains("Immutable", StringComparison.Ordinal) || SummaryOf(type).Contains("immutable", StringComparison.Ordinal);

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    [Fact]
    public void Every_public_class_is_sealed_abstract_or_static()
    {
        var open = PublicTypes.Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !typeof(Delegate).IsAssignableFrom(t))
            .Select(t => t.FullName).ToList();
        Assert.Empty(open);
    }

    [Fact]
    public void Types_documented_immutable_have_no_public_setters_or_writable_fields()
    {
        var immutable = PublicTypes.Where(DocumentedImmutable).ToList();
        Assert.True(immutable.Count > 20, $"Only {immutable.Count} types say they are immutable; the documentation was not read.");
        var problems = new List<string>();
        foreach (var type in immutable)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter))
                {
                    problems.Add($"{type.FullName}.{property.Name} has a public setter");
                }
            }

            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!field.IsInitOnly && !field.IsLiteral)
                {
                    problems.Add($"{type.FullName}.{field.Name} is a writable public field");
                }
            }

            if (type.IsValueType && !type.IsEnum && !type.IsDefined(typeof(IsReadOnlyAttribute)))
            {
                problems.Add($"{type.FullName} is a struct documented immutable but not readonly");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void The_check_sees_a_mutable_type()
    {
        // Guards the facts above: a property bag (documented as one, with setters) is seen as mutable.
        var setter = typeof(AfterSales.Quality.Tickets.TicketServiceOptions).GetProperty(nameof(AfterSales.Quality.Tickets.TicketServiceOptions.Routing))!.SetMethod!;
        Assert.False(IsInitOnly(setter));
        var init = typeof(AfterSales.Quality.Tickets.RevisitRules).GetProperty(nameof(AfterSales.Quality.Tickets.RevisitRules.UnreachableAfterAttempts))!.SetMethod!;
        Assert.True(IsInitOnly(init));
        Assert.True(DocumentedImmutable(typeof(AfterSales.Quality.Tickets.RevisitRules)));
    }
}
