using System.Security.Cryptography;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Compliance.Classification;

namespace AfterSales.Quality.Tests.Privacy;

public sealed class PrivacyTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+86 138-1234-5678", "861****5678")]
    [InlineData("zhang@example.cn", "z***@example.cn")]
    [InlineData("1234567", "1****")]
    [InlineData("", "")]
    public void Contacts_are_masked_as_the_guides_show(string contact, string masked) =>
        Assert.Equal(masked, PersonalDataMasking.MaskContact(contact));

    [Theory]
    [InlineData("Zhang San", "Zhang*")]
    [InlineData("张三", "张*")]
    [InlineData("ACME Ltd", "ACME*")]
    public void Names_keep_only_their_first_word(string name, string masked) => Assert.Equal(masked, PersonalDataMasking.MaskName(name));

    [Fact]
    public void The_redactor_masks_through_microsoft_extensions_compliance()
    {
        var redactor = new PersonalDataMaskingRedactor();
        Assert.Equal("138****5678", redactor.Redact("13812345678"));
        Assert.Equal("1 Cent****", redactor.Redact("1 Century Avenue, Pudong, Shanghai"[..34]));
        var classified = typeof(TicketIntake).GetProperties()
            .Where(p => p.GetCustomAttributes(typeof(DataClassificationAttribute), true).Length > 0)
            .Select(p => p.Name);
        Assert.Equal(["CustomerName", "CustomerNumber", "Contact", "Address"], classified);
        Assert.Equal(new DataClassification("AfterSalesQuality", "PersonalData"), PersonalDataTaxonomy.PersonalData);
    }

    [Fact]
    public void The_protector_round_trips_authenticates_and_rotates_keys()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var old = new AesGcmPersonalDataProtector("k1", oldKey);
        var stored = old.Protect("13812345678");
        Assert.StartsWith("v1:k1:", stored);
        Assert.DoesNotContain("13812345678", stored);
        Assert.NotEqual(stored, old.Protect("13812345678")); // a fresh nonce every time
        Assert.Equal("13812345678", old.Unprotect(stored));

        var rotated = new AesGcmPersonalDataProtector(new Dictionary<string, byte[]> { ["k1"] = oldKey, ["k2"] = newKey }, "k2");
        Assert.Equal("13812345678", rotated.Unprotect(stored));
        Assert.StartsWith("v1:k2:", rotated.Protect("张三"));
        Assert.Equal("张三", rotated.Unprotect(rotated.Protect("张三")));

        var tampered = stored[..^4] + (stored[^4] == 'A' ? 'B' : 'A') + stored[^3..];
        Assert.ThrowsAny<CryptographicException>(() => old.Unprotect(tampered));
        Assert.Throws<CryptographicException>(() => new AesGcmPersonalDataProtector("k3", newKey).Unprotect(stored));
        Assert.Throws<CryptographicException>(() => old.Unprotect("plain text"));
        var badKey = Assert.Throws<ArgumentException>(() => new AesGcmPersonalDataProtector("k", new byte[16]));
        Assert.Contains("must be 32 bytes (AES-256); it has 16", badKey.Message);
    }

    [Fact]
    public async Task Only_the_people_working_the_ticket_and_named_roles_see_personal_data()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var ticket = await host.Service.GetAsync(id);
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<PersonalDataGuard>();
        var guard = new PersonalDataGuard(new WorkingPeopleAccessPolicy("after-sales-lead"), host.Store, host.Clock, logger);
        var none = new HashSet<string>();

        Assert.Equal("13812345678", (await guard.ViewAsync(ticket, new Viewer("tech-zhao", none), "repair")).Contact); // the assignee
        Assert.Equal("13812345678", (await guard.ViewAsync(ticket, new Viewer("agent-li", none), "intake check")).Contact); // the intake owner
        host.Advance(NodaTime.Duration.FromMinutes(5));
        Assert.Equal("13812345678", (await guard.ViewAsync(ticket, new Viewer("boss", new HashSet<string> { "After-Sales-Lead" }), "review")).Contact);
        var masked = await guard.ViewAsync(ticket, new Viewer("someone-else", new HashSet<string> { "analyst" }), "statistics");
        Assert.Equal(("Zhang*", "138****5678"), (masked.CustomerName, masked.Contact));
        Assert.Equal(ticket.Intake!.ProductModel, masked.ProductModel);
        var log = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains("someone-else may not read the personal data of ticket", log.Message);
        Assert.DoesNotContain("1381234", log.Message);

        // Every decision is in the audit: who, why, allowed or denied, which ticket, when; one access id each.
        var audit = await host.Store.ListAccessesAsync(id);
        Assert.Equal(
            [
                ("tech-zhao", "repair", PersonalDataAccessDecision.Allowed),
                ("agent-li", "intake check", PersonalDataAccessDecision.Allowed),
                ("boss", "review", PersonalDataAccessDecision.Allowed),
                ("someone-else", "statistics", PersonalDataAccessDecision.Denied),
            ],
            audit.Select(r => (r.Actor, r.Purpose, r.Decision)));
        Assert.All(audit, r => Assert.Equal((PersonalDataAccessKind.View, (TicketId?)id), (r.Kind, r.TicketId)));
        Assert.Equal(audit[0].At + NodaTime.Duration.FromMinutes(5), audit[2].At);
        Assert.Equal(4, audit.Select(r => r.AccessId).Distinct().Count());

        // A read without a purpose is refused before anything is shown or recorded.
        Assert.Equal("purpose", (await Assert.ThrowsAsync<ArgumentException>(async () => await guard.ViewAsync(ticket, new Viewer("tech-zhao", none), " "))).ParamName);
        Assert.Equal(4, (await host.Store.ListAccessesAsync(id)).Count);
    }

    [Fact]
    public async Task Erasure_anonymises_the_customer_and_keeps_history_and_kpis()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        await host.Revisit(id, resolved: true, score: 5);
        await host.Close(id);
        TicketOutcome Measure(IReadOnlyList<TicketEvent> history) => TicketOutcome.Measure(history, SlaPolicySet.Default, host.Clock.GetCurrentInstant());
        var before = Measure((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray());

        var missing = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "" }));
        Assert.Equal("Reason", missing.ParamName);
        var erased = await host.Run(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-2024-017" });
        Assert.Equal((TicketState.Closed, "[erased]", "[erased]"), (erased.Ticket.State, erased.Ticket.Intake!.CustomerName, erased.Ticket.Intake.Contact));
        Assert.Equal("Phone Pro", erased.Ticket.Intake.ProductModel);

        var after = Measure((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray());
        Assert.Equal(before, after);
    }
}
