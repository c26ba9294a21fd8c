using System.Text.Json;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Testing;

/// <summary>
/// Issue 18's access-request done-test, for any store that keeps the audit: the erasure scenario's customer (every
/// personal value and free text) plus a second ticket of the same customer number are exported decrypted, through the
/// access policy, and audited; a requester the policy refuses gets nothing and is audited as denied; after an erasure
/// the export says erased and holds none of the values.
/// </summary>
public sealed class AccessRequestScenario
{
    /// <summary>The second ticket's description (same customer number, another ticket).</summary>
    public const string SecondDescription = "第二张单：欧阳翠花的空调漏水";

    /// <summary>Values of the first ticket that are not in <see cref="ErasureScenario.Secrets"/> but must be exported too.</summary>
    public static readonly string[] MoreValues = ["已联系欧阳翠花", "尽快", "C-OUYANG-77"];

    public static readonly Viewer Officer = new("dpo", new HashSet<string> { "data-protection-officer" });

    public static readonly Viewer Stranger = new("analyst-wu", new HashSet<string> { "analyst" });

    public ErasureScenario Erasure { get; } = new();

    public TicketId Second { get; } = TicketId.New();

    public static CustomerDataExporter Exporter<TStore>(TStore store, IClock clock)
        where TStore : ITicketStore, IPersonalDataAccessAudit => new(store, new WorkingPeopleAccessPolicy("data-protection-officer"), store, clock);

    /// <summary>Writes the erasure scenario's two customers and a second ticket of the first customer.</summary>
    public async Task WriteAsync(TicketService service)
    {
        await Erasure.WriteAsync(service);
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = Second, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake
            {
                CustomerName = "欧阳翠花", Contact = "13912345678", CustomerNumber = "C-OUYANG-77", ProductModel = "Air Pro",
                ReceivedAt = Instant.FromUtc(2024, 3, 1, 1, 30), Description = SecondDescription, Owner = "agent",
            },
        });
    }

    /// <summary>The whole done-test before an erasure: by number, by ticket, refused, audited.</summary>
    public async Task AssertExportsAsync<TStore>(TStore store, IClock clock)
        where TStore : ITicketStore, IPersonalDataAccessAudit
    {
        var exporter = Exporter(store, clock);
        var byNumber = await exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "PIPL-45 request 17", CustomerNumber = "C-OUYANG-77" });
        Assert.Equal([Erasure.Erased, Second], byNumber.Tickets.Select(t => t.TicketId));
        Assert.All(byNumber.Tickets, t => Assert.False(t.Erased));
        var json = byNumber.ToJson();
        var values = StringValues(json);
        foreach (var value in ErasureScenario.Secrets.Concat(MoreValues).Append(SecondDescription))
        {
            Assert.Contains(values, v => v.Contains(value, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(values, v => v.Contains(ErasureScenario.ControlName, StringComparison.Ordinal)); // another customer
        Assert.Contains("\"survey-answered\"", json, StringComparison.Ordinal);
        Assert.Contains("\"registration\"", json, StringComparison.Ordinal);

        // By one of the tickets: the same customer, the same tickets.
        var byTicket = await exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "PIPL-45 request 18", TicketId = Second });
        Assert.Equal([Erasure.Erased, Second], byTicket.Tickets.Select(t => t.TicketId));

        // Refused: nothing exported, and the refusal recorded.
        var denied = await Assert.ThrowsAsync<PersonalDataAccessDeniedException>(() => exporter.ExportAsync(new CustomerDataAccessRequest { Requester = Stranger, Purpose = "curiosity", CustomerNumber = "C-OUYANG-77" }));
        Assert.Equal([Erasure.Erased, Second], denied.DeniedTickets);

        var audit = await store.ListAccessesAsync(Erasure.Erased);
        var exports = audit.Where(r => r.Kind == PersonalDataAccessKind.Export).ToArray();
        Assert.Equal(
            [("dpo", "PIPL-45 request 17", PersonalDataAccessDecision.Allowed), ("dpo", "PIPL-45 request 18", PersonalDataAccessDecision.Allowed), ("analyst-wu", "curiosity", PersonalDataAccessDecision.Denied)],
            exports.Select(r => (r.Actor, r.Purpose, r.Decision)));
        Assert.Equal(byNumber.AccessId, exports[0].AccessId);
        Assert.Equal(byNumber.ExportedAt, exports[0].At);
        Assert.Contains(await store.ListAccessesAsync(Second), r => r.AccessId == byNumber.AccessId);
        Assert.DoesNotContain(await store.ListAccessesAsync(Erasure.Control), r => r.Kind == PersonalDataAccessKind.Export);
    }

    /// <summary>After the first ticket's erasure: the export by that ticket says erased and holds none of its values.</summary>
    public async Task AssertErasedExportAsync<TStore>(TStore store, IClock clock)
        where TStore : ITicketStore, IPersonalDataAccessAudit
    {
        var export = await Exporter(store, clock).ExportAsync(new CustomerDataAccessRequest { Requester = Officer, Purpose = "PIPL-45 request 19", TicketId = Erasure.Erased });
        var erased = Assert.Single(export.Tickets);
        Assert.Equal(Erasure.Erased, erased.TicketId);
        Assert.True(erased.Erased);
        var json = export.ToJson();
        Assert.Contains("\"erased\": true", json, StringComparison.Ordinal);
        Assert.Contains(PersonalDataErased.Placeholder, json, StringComparison.Ordinal);
        var values = StringValues(json);
        foreach (var value in ErasureScenario.Secrets.Concat(MoreValues))
        {
            Assert.DoesNotContain(values, v => v.Contains(value, StringComparison.Ordinal));
        }

        // The audit keeps the export (ids only).
        Assert.Contains(await store.ListAccessesAsync(Erasure.Erased), r => r.AccessId == export.AccessId && r.Decision == PersonalDataAccessDecision.Allowed);
    }

    /// <summary>Every string (property names and values) of a JSON document, unescaped.</summary>
    public static List<string> StringValues(string json)
    {
        var found = new List<string>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                found.Add(reader.GetString()!);
            }
        }

        return found;
    }
}
