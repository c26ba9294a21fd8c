using AfterSales.Quality.Storage;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

/// <summary>Mappings from configuration: JSON files, presets by name, every error named.</summary>
public sealed class MappingJsonTests
{
    public static TheoryData<string> Presets() => new(EventLogMappings.PresetNames);

    [Theory]
    [MemberData(nameof(Presets))]
    public void Every_preset_written_as_json_reads_back_to_the_same_mapping(string name)
    {
        var json = EventLogMappings.ToJson(EventLogMappings.Preset(name));
        var read = EventLogMappings.FromJson(json);
        Assert.Equal(json, EventLogMappings.ToJson(read));
        Assert.Equal(EventLogMappings.Preset(name).Source, read.Source);
    }

    [Fact]
    public async Task A_mapping_file_based_on_a_preset_imports_as_the_preset_with_its_overrides()
    {
        var mapping = EventLogMappings.FromJson("""
            {
              // a ServiceNow instance whose export writes NULL for empty cells, in Berlin time
              "basedOn": "servicenow",
              "source": "servicenow-eu",
              "nullToken": "NULL",
              "timeZone": "Europe/Berlin",
              "activities": { "New": "Register", "Active": "StartWork", "Resolved": "Resolve", "Closed": "Close", "Awaiting User Info": "AwaitCustomer" },
            }
            """);
        Assert.Equal(("servicenow-eu", "NULL", "sys_mod_count", "Europe/Berlin"), (mapping.Source, mapping.NullToken, mapping.OrderColumn, mapping.TimeZone!.Id));
        var csv = ServiceNowImportTests.Fixture("servicenow-incident-audit.csv").Replace(",?", ",NULL", StringComparison.Ordinal);
        var store = new InMemoryTicketStore();
        var report = await new EventLogImporter(store, store, new NodaTime.Testing.FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0))).ImportAsync(new StringReader(csv), mapping);
        Assert.Empty(report.Problems);
        Assert.Equal(6, report.Tickets);
        var one = (await ServiceNowImportTests.Tickets(store))["INC0000001"].Ticket;
        Assert.Equal(Instant.FromUtc(2016, 2, 29, 0, 16), one.Intake!.ReceivedAt); // 01:16 in Berlin
    }

    [Theory]
    [InlineData("""{ "basedOn": "servicenow", "impactColum": "x" }""", "$", "impactColum")]
    [InlineData("""{ "basedOn": "servicenow", "activities": { "New": "Teleport" } }""", "$.activities.New", "Teleport")]
    [InlineData("""{ "basedOn": "servicenow", "timeZone": "Mars/Olympus" }""", "$.timeZone", "Mars/Olympus")]
    [InlineData("""{ "basedOn": "servicenow", "channel": "" }""", "$.channel", "")]
    [InlineData("""{ "basedOn": "servicenow", "activities": { "New": 1 } }""", "$.activities.New", "1")]
    [InlineData("""{ "basedOn": "remedy" }""", "basedOn", "remedy")]
    [InlineData("""{ "basedOn": "servicenow", "orderColumn": " " }""", "OrderColumn", "empty")]
    [InlineData("""{ "source": "x", "caseIdColumn": "id" }""", "TimestampColumn", "required")]
    [InlineData("""[1, 2]""", "$", "object")]
    [InlineData("""{ "source": """, "$", "")]
    public void A_bad_mapping_file_is_refused_with_the_field_named(string json, string field, string mentioned)
    {
        var error = Assert.Throws<QualityValidationException>(() => EventLogMappings.FromJson(json));
        Assert.Contains(error.Errors, e => e.Field == field || (field == "$" && e.Field.StartsWith('$')));
        Assert.Contains(mentioned, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The mapping's JSON is source-generated (AOT-safe), so each enum's by-name converter is listed in
    /// <c>EventLogMappings.EnumConverters</c>: an enum added to the mapping must be added there too (else
    /// it would be written as a number). This walks the mapping's property graph for the enums it holds.
    /// </summary>
    [Fact]
    public void Every_enum_a_mapping_holds_has_its_by_name_converter_listed()
    {
        var found = new HashSet<Type>();
        var seen = new HashSet<Type>();
        void Walk(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsEnum)
            {
                found.Add(type);
                return;
            }

            if (type.IsPrimitive || type == typeof(string) || !seen.Add(type))
            {
                return;
            }

            foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
            {
                Walk(argument);
            }

            if (type.Namespace?.StartsWith("AfterSales.Quality", StringComparison.Ordinal) == true)
            {
                foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
                {
                    Walk(property.PropertyType);
                }
            }
        }

        Walk(typeof(EventLogMapping));
        Assert.Equal(
            ["ImpactScope", "ImportAction", "Priority", "Severity", "SourceFigure", "Urgency"],
            found.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Presets_are_found_by_name_ignoring_case_and_an_unknown_name_lists_them()
    {
        Assert.Equal("zendesk", EventLogMappings.Preset("Zendesk").Source);
        Assert.Equal(["bpic2013", "helpdesk2017", "servicenow", "zendesk", "jira-sm"], EventLogMappings.PresetNames);
        var error = Assert.Throws<QualityValidationException>(() => EventLogMappings.Preset("remedy"));
        Assert.Contains("bpic2013, helpdesk2017, servicenow, zendesk, jira-sm", error.Message);
        Assert.NotSame(EventLogMappings.Preset("bpic2013"), EventLogMappings.Preset("bpic2013"));
    }
}
