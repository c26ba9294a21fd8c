// The CRM web API sample: AfterSales.Quality embedded in an ASP.NET Core minimal API.
//   dotnet run --project samples/CrmWebApi            (listens on http://127.0.0.1:5080, see README.md)
await CrmWebApi.CrmApi.Build(args).RunAsync();
