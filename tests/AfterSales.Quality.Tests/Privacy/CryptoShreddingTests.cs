using System.Security.Cryptography;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Privacy;

public sealed class CryptoShreddingTests
{
    private static readonly Instant At = Instant.FromUtc(2024, 3, 1, 0, 0);

    [Property]
    public bool A_wrapped_key_unwraps_to_itself_with_its_context_only(byte[] seed, string context)
    {
        context ??= "";
        var ring = MasterKeyRing.CreateRandom();
        var key = SHA256.HashData(seed ?? []);
        var wrapped = ring.WrapAsync(key, context).AsTask().Result;
        var back = ring.UnwrapAsync(wrapped, context).AsTask().Result;
        var otherContext = Throws(() => ring.UnwrapAsync(wrapped, context + "x").AsTask().GetAwaiter().GetResult());
        return back.SequenceEqual(key) && otherContext && !wrapped.Contains(Convert.ToHexString(key), StringComparison.OrdinalIgnoreCase);
    }

    [Property]
    public bool Every_text_round_trips_and_is_never_stored_in_clear(string name, string description, string? suggestion)
    {
        // Stored text is Unicode: lone surrogates (which UTF-8 cannot carry) are outside the claim.
        name = Utf8(string.IsNullOrEmpty(name) ? "n" : name);
        description = Utf8(string.IsNullOrEmpty(description) ? "d" : description);
        suggestion = suggestion is null ? null : Utf8(suggestion);
        var encryption = new CustomerDataEncryption(new InMemoryCustomerKeyStore(), MasterKeyRing.CreateRandom());
        var id = TicketId.New();
        TicketEvent[] events =
        [
            Registered(id, name, description),
            new SurveyAnswered { TicketId = id, OccurredAt = At, Actor = "c", CommandId = Guid.NewGuid(), Cycle = 1, Answers = new SurveyAnswers { Satisfaction = 3, Suggestion = suggestion } },
        ];
        var stored = encryption.EncryptAsync(events).AsTask().Result;
        var read = encryption.DecryptAsync([.. stored.Select((e, i) => new RecordedEvent(i + 1, i + 1, e))]).AsTask().Result;
        var storedIntake = ((TicketRegistered)stored[0]).Intake;
        return read.Select(r => r.Event).SequenceEqual(events)
            && storedIntake.CustomerName.StartsWith("k1:", StringComparison.Ordinal)
            && storedIntake.Description.StartsWith("k1:", StringComparison.Ordinal)
            && (suggestion is null ? ((SurveyAnswered)stored[1]).Answers.Suggestion is null : ((SurveyAnswered)stored[1]).Answers.Suggestion!.StartsWith("k1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Once_an_erasure_is_requested_nothing_reads_the_data_and_new_text_is_not_kept()
    {
        var keys = new InMemoryCustomerKeyStore();
        var encryption = new CustomerDataEncryption(keys, MasterKeyRing.CreateRandom());
        var id = TicketId.New();
        var stored = await encryption.EncryptAsync([Registered(id, "欧阳翠花", "call 13987654321")]);
        await keys.RequestErasureAsync(new ErasureRequest(id, Guid.NewGuid(), "dpo", "DSR-1", At, ErasureStage.Requested));
        var intake = ((TicketRegistered)(await encryption.DecryptAsync([new RecordedEvent(1, 1, stored[0])]))[0].Event).Intake;
        Assert.Equal((PersonalDataErased.Placeholder, PersonalDataErased.Placeholder, "Phone Pro"), (intake.CustomerName, intake.Description, intake.ProductModel));
        var later = await encryption.EncryptAsync([new TicketResolved { TicketId = id, OccurredAt = At, Actor = "a", CommandId = Guid.NewGuid(), Solution = "rang 13987654321", Cycle = 1 }]);
        Assert.Equal(PersonalDataErased.Placeholder, ((TicketResolved)later[0]).Solution);

        await keys.DestroyKeyAsync(id);
        var key = (await keys.GetAsync([id]))[id];
        Assert.Equal((null, ErasureStage.KeysDestroyed), (key.WrappedKey, key.Stage));
        Assert.Equal(ErasureStage.KeysDestroyed, Assert.Single(await keys.ListPendingErasuresAsync()).Stage);
        await keys.CompleteErasureAsync(id);
        Assert.Empty(await keys.ListPendingErasuresAsync());
    }

    [Fact]
    public async Task Rotation_rewraps_every_live_key_so_the_old_master_key_can_go()
    {
        var keys = new InMemoryCustomerKeyStore();
        var old = RandomNumberGenerator.GetBytes(32);
        var first = new MasterKeyRing(new Dictionary<string, byte[]> { ["m1"] = old }, "m1");
        var id = TicketId.New();
        var stored = await new CustomerDataEncryption(keys, first).EncryptAsync([Registered(id, "Li Si", "d")]);
        var fresh = RandomNumberGenerator.GetBytes(32);
        var rotating = new MasterKeyRing(new Dictionary<string, byte[]> { ["m1"] = old, ["m2"] = fresh }, "m2");
        Assert.Equal(1, await CustomerKeyRotation.RewrapAllAsync(keys, rotating));
        var retired = new MasterKeyRing(new Dictionary<string, byte[]> { ["m2"] = fresh }, "m2");
        var read = await new CustomerDataEncryption(keys, retired).DecryptAsync([new RecordedEvent(1, 1, stored[0])]);
        Assert.Equal("Li Si", ((TicketRegistered)read[0].Event).Intake.CustomerName);
        Assert.StartsWith("w1:m2:", (await keys.GetAsync([id]))[id].WrappedKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Master_key_options_name_every_bad_field_and_never_the_key()
    {
        var options = new MasterKeyRingOptions { CurrentKeyId = "m9", Keys = { ["m1"] = "c2hvcnQ=", ["bad id"] = Convert.ToBase64String(new byte[32]) } };
        var error = Assert.Throws<QualityValidationException>(() => MasterKeyRing.FromOptions(options));
        Assert.Equal(
            ["MasterKeyRingOptions.CurrentKeyId", "MasterKeyRingOptions.Keys[bad id]", "MasterKeyRingOptions.Keys[m1]"],
            error.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("c2hvcnQ=", error.Message, StringComparison.Ordinal);
        var ring = MasterKeyRing.FromOptions(new MasterKeyRingOptions { CurrentKeyId = "m1", Keys = { ["m1"] = Convert.ToBase64String(new byte[32]) } });
        Assert.Equal("m1", ring.CurrentKeyId);
    }

    private static TicketRegistered Registered(TicketId id, string name, string description) => new()
    {
        TicketId = id, OccurredAt = At, Actor = "agent", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240301001",
        Intake = new TicketIntake { CustomerName = name, Contact = "13912345678", Address = "上海", ProductModel = "Phone Pro", ReceivedAt = At, Description = description, Owner = "agent" },
    };

    private static string Utf8(string text) => System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (CryptographicException)
        {
            return true;
        }
    }
}
