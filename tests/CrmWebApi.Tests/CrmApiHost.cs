using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace CrmWebApi.Tests;

/// <summary>
/// The real CRM web API on Kestrel: a real socket on 127.0.0.1 with an ephemeral port, a temporary SQLite
/// file, and a real <see cref="HttpClient"/>. Each test starts its own, so KPI counts see only its tickets.
/// </summary>
public sealed class CrmApiHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly DirectoryInfo directory;

    private CrmApiHost(WebApplication app, DirectoryInfo directory, HttpClient client)
    {
        this.app = app;
        this.directory = directory;
        Client = client;
    }

    public HttpClient Client { get; }

    public string DatabasePath => Path.Combine(directory.FullName, "crm.db");

    /// <summary>The application's services (the store's audit of personal-data access, for the tests).</summary>
    public IServiceProvider Services => app.Services;

    public static async Task<CrmApiHost> StartAsync(params string[] extraArguments)
    {
        var directory = Directory.CreateTempSubdirectory("crm-webapi-test-");
        var app = CrmApi.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--CrmWebApi:DatabasePath={Path.Combine(directory.FullName, "crm.db")}",
            $"--CrmWebApi:PersonalDataKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
            "--Logging:LogLevel:Default=Error",
            .. extraArguments,
        ]);
        await app.StartAsync();
        var address = app.Urls.Single();
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new CrmApiHost(app, directory, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>POSTs JSON (or nothing) with optional Idempotency-Key and X-Actor headers.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? idempotencyKey = null, string? actor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = body is string raw ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (actor is not null)
        {
            request.Headers.Add("X-Actor", actor);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>GETs a path as a viewer (X-Actor, X-Roles), or as the default actor.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, string? actor = null, string? roles = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (actor is not null)
        {
            request.Headers.Add("X-Actor", actor);
        }

        if (roles is not null)
        {
            request.Headers.Add("X-Roles", roles);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>POSTs JSON as a viewer with roles.</summary>
    public async Task<HttpResponseMessage> PostAsViewerAsync(string path, object? body, string actor, string roles)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Actor", actor);
        request.Headers.Add("X-Roles", roles);
        return await Client.SendAsync(request);
    }

    /// <summary>Registers a ticket with valid intake data and returns its id.</summary>
    public async Task<string> RegisterAsync(string channel = "phone", string product = "Phone Pro")
    {
        using var response = await PostAsync("/tickets", new { customerName = "Li Si", contact = "13900001111", productModel = product, channel, description = "does not charge" });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await Json(response))["id"]!.GetValue<string>();
    }

    public static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("empty body");
}
