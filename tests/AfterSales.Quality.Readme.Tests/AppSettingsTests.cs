using System.Text.RegularExpressions;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AfterSales.Quality.Readme.Tests;

/// <summary>The README's complete <c>appsettings.json</c> starts a host as it is written.</summary>
public sealed partial class AppSettingsTests
{
    [GeneratedRegex(@"A complete `appsettings\.json`[^\n]*\n\s*```json\r?\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex AppSettingsBlock();

    private static string AppSettings()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var match = AppSettingsBlock().Match(readme);
        Assert.True(match.Success, "README.md has no complete appsettings.json block.");
        return match.Groups[1].Value;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AfterSales.Quality.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No repository root.");
    }

    [Fact]
    public async Task The_readme_appsettings_json_starts_a_host_with_every_setting_bound()
    {
        var directory = Directory.CreateTempSubdirectory("aftersales-appsettings-").FullName;
        var file = Path.Combine(directory, "appsettings.json");
        await File.WriteAllTextAsync(file, AppSettings());
        var database = Path.Combine(directory, "crm-quality.db");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(file, optional: false);
        // The file's relative data source, made absolute so the test writes into its own directory.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:AfterSalesQuality"] = $"Data Source={database}" });
        builder.Logging.ClearProviders();
        // As the README's host code: the master key from outside the file.
        var keys = new AfterSales.Quality.Privacy.MasterKeyRingOptions { CurrentKeyId = "k1" };
        keys.Keys["k1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName))
            .UseSqlite(builder.Configuration, o => o.MasterKeys = AfterSales.Quality.Privacy.MasterKeyRing.FromOptions(keys));
        using var host = builder.Build();
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value;
        Assert.Equal("Asia/Shanghai", options.TimeZone);
        Assert.Equal(["safety-risk", "core-function-key-account", "core-function", "service-experience"], options.PriorityRules!.Rules.Select(r => r.Name));
        Assert.Equal([Priority.P0, Priority.P1], options.Routing!.Rules[0].Priorities);
        Assert.Equal(5, options.Calendar!.WeeklyHours.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), options.SurveyDelay);
        Assert.NotNull(host.Services.GetRequiredService<TicketService>());
        Assert.True(File.Exists(database));

        // Complete: every setting but the SLA policies (set in code, SlaPolicySet) appears in the file.
        var section = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection(AfterSalesQualityOptions.SectionName);
        var written = section.GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = typeof(AfterSalesQualityOptions).GetProperties().Where(p => p.SetMethod is not null && p.Name != nameof(AfterSalesQualityOptions.SlaPolicies)).Select(p => p.Name);
        Assert.DoesNotContain(settings, s => !written.Contains(s));
        await host.StopAsync();
    }
}
