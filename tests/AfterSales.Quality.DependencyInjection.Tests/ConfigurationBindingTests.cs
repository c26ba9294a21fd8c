using System.Net;
using System.Net.Sockets;
using AfterSales.Quality.PostgreSql.DependencyInjection;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>Options and stores bound from configuration, strictly: what the binder would drop or reorder silently stops the start, with the key named.</summary>
public sealed class ConfigurationBindingTests
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // These tests are about binding, not encryption: the stores opt out of it explicitly, from configuration.
        settings.TryAdd("AfterSalesQuality:Sqlite:AllowPlaintextPersonalData", "true");
        settings.TryAdd("AfterSalesQuality:PostgreSql:AllowPlaintextPersonalData", "true");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddFakeLogging();
        return builder;
    }

    private static string TempDatabase() => Path.Combine(Directory.CreateTempSubdirectory("aftersales-config-").FullName, "crm.db");

    private static async Task<IReadOnlyList<string>> StartFailuresAsync(Dictionary<string, string?> settings)
    {
        var builder = Builder(settings);
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName)).UseInMemory();
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return error.Failures.ToList();
    }

    [Fact]
    public async Task A_priority_rule_table_with_a_hole_is_refused_with_the_key_named()
    {
        var failures = await StartFailuresAsync(new()
        {
            ["AfterSalesQuality:PriorityRules:Rules:0:Name"] = "billing",
            ["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P1",
            ["AfterSalesQuality:PriorityRules:Rules:2:Name"] = "safety",
            ["AfterSalesQuality:PriorityRules:Rules:2:Priority"] = "P0",
        });
        Assert.Equal(
            ["AfterSalesQuality:PriorityRules:Rules: has items 0, 2 but no item 1; a list's items are keyed 0, 1, 2, … without holes (the binder would close the hole and renumber the items after it)."],
            failures);
    }

    [Theory]
    [InlineData("Priority", "P7", "'P7' is not a Priority; expected one of P0, P1, P2, P3.")]
    [InlineData("Priority", "7", "'7' is not a Priority; expected one of P0, P1, P2, P3.")]
    [InlineData("Priority", "P0,P1", "'P0,P1' is not a Priority; expected one of P0, P1, P2, P3.")]
    [InlineData("MinimumSeverity", "CoreFuntion", "'CoreFuntion' is not a Severity; expected one of")]
    [InlineData("KeyAccount", "yes", "'yes' is not true or false")]
    public async Task An_unknown_value_in_a_rule_is_refused_with_the_key_named_never_dropped(string setting, string value, string message)
    {
        var failures = await StartFailuresAsync(new()
        {
            ["AfterSalesQuality:PriorityRules:Rules:0:Name"] = "billing",
            ["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P1",
            ["AfterSalesQuality:PriorityRules:Rules:1:Name"] = "other",
            [$"AfterSalesQuality:PriorityRules:Rules:1:{setting}"] = value,
        });
        var failure = Assert.Single(failures);
        Assert.StartsWith($"AfterSalesQuality:PriorityRules:Rules:1:{setting}: {message}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelled_key_is_refused_with_the_settings_listed()
    {
        var failures = await StartFailuresAsync(new()
        {
            ["AfterSalesQuality:PriorityRules:Rules:0:Name"] = "severe",
            ["AfterSalesQuality:PriorityRules:Rules:0:MinimumSeverty"] = "CoreFunction",
            ["AfterSalesQuality:ScanIntervall"] = "00:00:10",
        });
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:PriorityRules:Rules:0:MinimumSeverty: is not a setting of PriorityRule (its settings: Categories, KeyAccount, MinimumImpactScope, MinimumSeverity, ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:ScanIntervall: is not a setting of AfterSalesQualityOptions", StringComparison.Ordinal));
        Assert.Equal(2, failures.Count);
    }

    [Fact]
    public async Task A_value_that_does_not_convert_outside_a_list_is_a_keyed_failure_with_the_others()
    {
        var failures = await StartFailuresAsync(new()
        {
            ["AfterSalesQuality:ScanInterval"] = "soon",
            ["AfterSalesQuality:Revisit:UnsatisfiedScoreThreshold"] = "two",
            ["AfterSalesQuality:Numbering:TimeZone"] = "Asia/Shanghai",
        });
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:ScanInterval: 'soon' is not a time span (hh:mm:ss)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:Revisit:UnsatisfiedScoreThreshold: 'two' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:Numbering:TimeZone:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_faithful_rule_table_binds_in_order_with_every_condition()
    {
        var builder = Builder(new()
        {
            ["AfterSalesQuality:PriorityRules:Rules:0:Name"] = "billing",
            ["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P1",
            ["AfterSalesQuality:PriorityRules:Rules:0:Categories:0"] = "billing",
            ["AfterSalesQuality:PriorityRules:Rules:1:Name"] = "severe",
            ["AfterSalesQuality:PriorityRules:Rules:1:Priority"] = "p0",
            ["AfterSalesQuality:PriorityRules:Rules:1:MinimumSeverity"] = "CoreFunction",
            ["AfterSalesQuality:PriorityRules:Rules:1:KeyAccount"] = "true",
            ["AfterSalesQuality:PriorityRules:Fallback"] = "P2",
        });
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName)).UseInMemory();
        using var host = builder.Build();
        await host.StartAsync();
        var rules = host.Services.GetRequiredService<TicketService>().Options.PriorityRules;
        Assert.Equal(
            [new PriorityRule { Name = "billing", Priority = Priority.P1, Categories = [new TicketCategory("billing")] }, new PriorityRule { Name = "severe", Priority = Priority.P0, MinimumSeverity = Severity.CoreFunction, KeyAccount = true }],
            rules.Rules.Select(r => r with { Categories = [.. r.Categories] }).ToList(),
            new RuleComparer());
        Assert.Equal(Priority.P2, rules.Fallback);
        await host.StopAsync();
    }

    [Fact]
    public async Task Calendar_errors_use_the_binders_key_spelling()
    {
        var failures = await StartFailuresAsync(new()
        {
            ["AfterSalesQuality:Calendar:WeeklyHours:Monday:0"] = "09:00-12:00",
            ["AfterSalesQuality:Calendar:WeeklyHours:Monday:1"] = "25:00-26:00",
            ["AfterSalesQuality:Calendar:Holidays:0"] = "2024-13-01",
        });
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:Calendar:WeeklyHours:Monday:1: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AfterSalesQuality:Calendar:Holidays:0: ", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains('[', StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_numbering_error_is_reported_once_not_once_per_format()
    {
        var failures = await StartFailuresAsync(new()
        {
            ["AfterSalesQuality:Numbering:Feedback:DatePattern"] = "",
            ["AfterSalesQuality:Numbering:Improvement:SequenceDigits"] = "12",
        });
        var numbering = failures.Where(f => f.Contains("Numbering", StringComparison.Ordinal)).ToList();
        Assert.Single(numbering, f => f.StartsWith("AfterSalesQuality:Numbering:Feedback:DatePattern: ", StringComparison.Ordinal));
        Assert.Single(numbering, f => f.StartsWith("AfterSalesQuality:Numbering:Improvement:SequenceDigits: ", StringComparison.Ordinal));
        Assert.Equal(numbering.Distinct().Count(), numbering.Count);
    }

    [Fact]
    public async Task UseSqlite_reads_the_connection_string_and_opens_that_file()
    {
        var path = TempDatabase();
        var builder = Builder(new()
        {
            ["ConnectionStrings:AfterSalesQuality"] = $"Data Source={path};Default Timeout=7",
        });
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName)).UseSqlite(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        Assert.True(File.Exists(path));
        Assert.IsType<SqliteTicketStore>(host.Services.GetRequiredService<ITicketStore>());
        var options = host.Services.GetRequiredService<IOptions<SqliteTicketStoreOptions>>().Value;
        Assert.Equal((path, 7), (options.DataSource, options.BusyTimeoutSeconds));
        await host.StopAsync();
    }

    [Fact]
    public async Task UseSqlite_reads_its_section_and_code_adjusts_it()
    {
        var path = TempDatabase();
        var builder = Builder(new()
        {
            ["AfterSalesQuality:Sqlite:DataSource"] = path,
            ["AfterSalesQuality:Sqlite:BusyTimeoutSeconds"] = "12",
        });
        var protector = new AfterSales.Quality.Privacy.AesGcmPersonalDataProtector("k", new byte[32]);
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName)).UseSqlite(builder.Configuration, o => o.Protector = protector);
        using var host = builder.Build();
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<SqliteTicketStoreOptions>>().Value;
        Assert.Equal((path, 12), (options.DataSource, options.BusyTimeoutSeconds));
        Assert.Same(protector, options.Protector);
        await host.StopAsync();
    }

    [Theory]
    [InlineData(null, null, null, "AfterSalesQuality:Sqlite:DataSource or ConnectionStrings:AfterSalesQuality: is required")]
    [InlineData("Data Source=a.db;Cache=Shared", null, null, "ConnectionStrings:AfterSalesQuality: the keyword 'cache' is not read by the SQLite store")]
    [InlineData("Data Source=a.db", "b.db", null, "AfterSalesQuality:Sqlite:DataSource: 'b.db' and ConnectionStrings:AfterSalesQuality ('a.db') name different files")]
    [InlineData(null, "a.db", "0", "AfterSalesQuality:Sqlite:BusyTimeoutSeconds: must be between 1 and 600; it was 0.")]
    [InlineData(null, "a.db", "soon", "AfterSalesQuality:Sqlite:BusyTimeoutSeconds: 'soon' is not a whole number")]
    [InlineData("not a connection string", null, null, "ConnectionStrings:AfterSalesQuality: is not a SQLite connection string")]
    public async Task Bad_SQLite_settings_stop_the_start_with_the_key_named(string? connectionString, string? dataSource, string? busyTimeout, string expected)
    {
        var builder = Builder(new()
        {
            ["ConnectionStrings:AfterSalesQuality"] = connectionString,
            ["AfterSalesQuality:Sqlite:DataSource"] = dataSource,
            ["AfterSalesQuality:Sqlite:BusyTimeoutSeconds"] = busyTimeout,
        });
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName)).UseSqlite(builder.Configuration);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
        Assert.False(File.Exists("a.db"));
    }

    [Fact]
    public async Task A_SQLite_file_from_the_connection_string_that_cannot_be_opened_names_the_connection_string_key()
    {
        var path = Path.Combine(Path.GetTempPath(), "aftersales-missing-" + Guid.NewGuid().ToString("N"), "no-such-dir", "crm.db");
        var builder = Builder(new() { ["ConnectionStrings:AfterSalesQuality"] = $"Data Source={path}" });
        builder.Services.AddAfterSalesQuality().UseSqlite(builder.Configuration);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<TicketStoreStartupException>(() => host.StartAsync());
        Assert.Equal(("ConnectionStrings:AfterSalesQuality", path), (error.ConfigurationKey, error.Target));
    }

    [Fact]
    public async Task UsePostgreSql_reads_the_connection_string_and_names_it_when_the_server_is_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var builder = Builder(new()
        {
            ["ConnectionStrings:AfterSalesQuality"] = $"Host=127.0.0.1;Port={port};Database=crm;Username=crm;Password=s3cret-pw;Timeout=5",
            ["AfterSalesQuality:PostgreSql:Schema"] = "crm_quality",
        });
        builder.Services.AddAfterSalesQuality().UsePostgreSql(builder.Configuration);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<TicketStoreStartupException>(() => host.StartAsync());
        Assert.Equal(("ConnectionStrings:AfterSalesQuality", $"Host=127.0.0.1;Port={port};Database=crm;Username=crm"), (error.ConfigurationKey, error.Target));
        Assert.DoesNotContain("s3cret-pw", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("crm_quality", host.Services.GetRequiredService<IOptions<AfterSales.Quality.PostgreSql.PostgreSqlTicketStoreOptions>>().Value.Schema);
    }

    [Theory]
    [InlineData(null, "AfterSales", "ConnectionStrings:AfterSalesQuality (or AfterSalesQuality:PostgreSql:ConnectionString): is required")]
    [InlineData("Host=db;Bogus=1", "aftersales", "ConnectionStrings:AfterSalesQuality: is not a valid Npgsql connection string")]
    [InlineData("Host=db", "Bad-Schema", "AfterSalesQuality:PostgreSql:Schema: must be lower-case letters")]
    public async Task Bad_PostgreSQL_settings_stop_the_start_with_the_key_named(string? connectionString, string schema, string expected)
    {
        var builder = Builder(new()
        {
            ["ConnectionStrings:AfterSalesQuality"] = connectionString,
            ["AfterSalesQuality:PostgreSql:Schema"] = schema,
        });
        builder.Services.AddAfterSalesQuality().UsePostgreSql(builder.Configuration);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_process_refuses_a_rule_table_with_a_hole_and_names_the_key()
    {
        var (exitCode, output) = await StartupTests.RunTestHostAsync(
            "--TestHost:Store=configuration", "--AfterSalesQuality:Sqlite:AllowPlaintextPersonalData=true", $"--ConnectionStrings:AfterSalesQuality=Data Source={TempDatabase()}",
            "--AfterSalesQuality:PriorityRules:Rules:0:Name=billing", "--AfterSalesQuality:PriorityRules:Rules:2:Name=safety",
            "--AfterSalesQuality:PriorityRules:Rules:2:Priority=P7");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("AfterSalesQuality:PriorityRules:Rules: has items 0, 2 but no item 1", output, StringComparison.Ordinal);
        Assert.Contains("AfterSalesQuality:PriorityRules:Rules:2:Priority: 'P7' is not a Priority", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_process_configured_by_connection_string_starts_and_exits_zero()
    {
        var path = TempDatabase();
        var (exitCode, output) = await StartupTests.RunTestHostAsync("--TestHost:Store=configuration", "--AfterSalesQuality:Sqlite:AllowPlaintextPersonalData=true", $"--ConnectionStrings:AfterSalesQuality=Data Source={path}", "--TestHost:StopWhenStarted=true");
        Assert.True(exitCode == 0, output);
        Assert.Contains("Application started", output, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    private sealed class RuleComparer : IEqualityComparer<PriorityRule>
    {
        public bool Equals(PriorityRule? x, PriorityRule? y) =>
            x is not null && y is not null && x with { Categories = [] } == y with { Categories = [] } && x.Categories.SequenceEqual(y.Categories);

        public int GetHashCode(PriorityRule obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
