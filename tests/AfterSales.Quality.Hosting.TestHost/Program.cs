using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.PostgreSql.DependencyInjection;
using AfterSales.Quality.Sqlite.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A host as an application writes it, configured from the command line, e.g.
//   TestHost --TestHost:Store=sqlite --TestHost:DataSource=/no/such/dir/crm.db
//   TestHost --TestHost:Store=postgres --TestHost:ConnectionString="Host=127.0.0.1;Port=1;..."
//   TestHost --TestHost:Store=configuration --ConnectionStrings:AfterSalesQuality="Data Source=crm.db"
//     (UseSqlite(configuration); --TestHost:Store=postgres-configuration for UsePostgreSql(configuration))
// --TestHost:StopWhenStarted=true stops it as soon as it has started (exit code 0).
var builder = Host.CreateApplicationBuilder(args);
var quality = builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName));
if (builder.Configuration["TestHost:Store"] == "configuration")
{
    quality.UseSqlite(builder.Configuration);
}
else if (builder.Configuration["TestHost:Store"] == "postgres-configuration")
{
    quality.UsePostgreSql(builder.Configuration);
}
else if (builder.Configuration["TestHost:Store"] == "postgres")
{
    quality.UsePostgreSql(o => { o.ConnectionString = builder.Configuration["TestHost:ConnectionString"]; o.AllowPlaintextPersonalData = true; });
}
else
{
    quality.UseSqlite(o => { o.DataSource = builder.Configuration["TestHost:DataSource"] ?? ""; o.AllowPlaintextPersonalData = true; });
}

using var host = builder.Build();
if (builder.Configuration["TestHost:StopWhenStarted"] == "true")
{
    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    lifetime.ApplicationStarted.Register(lifetime.StopApplication);
}

await host.RunAsync();
