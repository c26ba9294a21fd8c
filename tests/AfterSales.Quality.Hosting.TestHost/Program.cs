using System.Globalization;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Hosting.TestHost;
using AfterSales.Quality.PostgreSql.DependencyInjection;
using AfterSales.Quality.Sqlite.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A host as an application writes it, configured from the command line, e.g.
//   TestHost --TestHost:Store=sqlite --TestHost:DataSource=/no/such/dir/crm.db
//   TestHost --TestHost:Store=postgres --TestHost:ConnectionString="Host=127.0.0.1;Port=1;..." [--TestHost:Schema=s]
//   TestHost --TestHost:Store=configuration --ConnectionStrings:AfterSalesQuality="Data Source=crm.db"
//     (UseSqlite(configuration); --TestHost:Store=postgres-configuration for UsePostgreSql(configuration))
// --TestHost:StopWhenStarted=true stops it as soon as it has started (exit code 0).
// --TestHost:ClockOrigin/ClockRealOrigin/ClockSpeed: a ScaledClock shared with the test.
// --TestHost:HandledFile=path, --TestHost:HandledTable=table (in the PostgreSQL store's database), --TestHost:HangAfter=n: RecordingHandlers.
var builder = Host.CreateApplicationBuilder(args);
var config = builder.Configuration;
var quality = builder.Services.AddAfterSalesQuality(config.GetSection(AfterSalesQualityOptions.SectionName));
if (config["TestHost:Store"] == "configuration")
{
    quality.UseSqlite(config);
}
else if (config["TestHost:Store"] == "postgres-configuration")
{
    quality.UsePostgreSql(config);
}
else if (config["TestHost:Store"] == "postgres")
{
    quality.UsePostgreSql(o =>
    {
        o.ConnectionString = config["TestHost:ConnectionString"];
        o.Schema = config["TestHost:Schema"] ?? o.Schema;
        o.AllowPlaintextPersonalData = true;
    });
}
else
{
    quality.UseSqlite(o => { o.DataSource = config["TestHost:DataSource"] ?? ""; o.AllowPlaintextPersonalData = true; });
}

if (config["TestHost:ClockOrigin"] is { } origin)
{
    quality.UseClock(new ScaledClock(
        NodaTime.Text.InstantPattern.ExtendedIso.Parse(origin).Value,
        long.Parse(config["TestHost:ClockRealOrigin"] ?? "0", CultureInfo.InvariantCulture),
        double.Parse(config["TestHost:ClockSpeed"] ?? "1", CultureInfo.InvariantCulture)));
}

if (config["TestHost:HandledFile"] is not null || config["TestHost:HandledTable"] is not null)
{
    var handlers = new RecordingHandlers(
        config["TestHost:HandledFile"],
        config["TestHost:HandledTable"] is null ? null : config["TestHost:ConnectionString"],
        config["TestHost:HandledTable"],
        int.Parse(config["TestHost:HangAfter"] ?? int.MaxValue.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    builder.Services.AddSingleton<ISlaAlertHandler>(handlers);
    builder.Services.AddSingleton<ISurveyDueHandler>(handlers);
}

using var host = builder.Build();
if (config["TestHost:StopWhenStarted"] == "true")
{
    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    lifetime.ApplicationStarted.Register(lifetime.StopApplication);
}

await host.RunAsync();
