using System.Security.Cryptography;
using AfterSales.Quality.Prioritization;
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

    [Property]
    public bool Every_note_of_internal_work_round_trips_is_stored_only_as_ciphertext_and_reads_erased_after_a_request(string note)
    {
        note = Utf8(string.IsNullOrEmpty(note) ? "n" : note);
        var keys = new InMemoryCustomerKeyStore();
        var encryption = new CustomerDataEncryption(keys, MasterKeyRing.CreateRandom());
        var id = TicketId.New();
        var events = Notes(id, note);
        var stored = encryption.EncryptAsync(events).AsTask().Result;
        var storedValues = stored.SelectMany(Values).ToArray();
        var read = encryption.DecryptAsync([.. stored.Select((e, i) => new RecordedEvent(i + 1, i + 1, e))]).AsTask().Result;
        keys.RequestErasureAsync(new ErasureRequest(id, Guid.NewGuid(), "dpo", "DSR-1", At, ErasureStage.Requested)).AsTask().Wait();
        var erased = encryption.DecryptAsync([.. stored.Select((e, i) => new RecordedEvent(i + 1, i + 1, e))]).AsTask().Result;
        return events.All(CustomerDataEncryption.HasPersonalData)
            && storedValues.Length == 13 && storedValues.All(v => v.StartsWith("k1:", StringComparison.Ordinal))
            && read.Select(r => r.Event).SequenceEqual(events)
            && erased.SelectMany(r => Values(r.Event)).All(v => v == PersonalDataErased.Placeholder);
    }

    [Fact]
    public async Task Notes_an_older_version_stored_in_clear_still_read_and_read_erased_after_a_request()
    {
        var keys = new InMemoryCustomerKeyStore();
        var encryption = new CustomerDataEncryption(keys, MasterKeyRing.CreateRandom());
        var id = TicketId.New();
        var registered = await encryption.EncryptAsync([Registered(id, "欧阳翠花", "d")]);

        // As stored before notes were encrypted: the notes in clear beside an encrypted registration.
        RecordedEvent[] old = [new RecordedEvent(1, 1, registered[0]), .. Notes(id, "旧版13987654321").Select((e, i) => new RecordedEvent(i + 2, i + 2, e))];
        var read = await encryption.DecryptAsync(old);
        Assert.Equal(13, read.Skip(1).SelectMany(r => Values(r.Event)).Count(v => v == "旧版13987654321"));
        Assert.Equal("欧阳翠花", ((TicketRegistered)read[0].Event).Intake.CustomerName);
        await keys.RequestErasureAsync(new ErasureRequest(id, Guid.NewGuid(), "dpo", "DSR-1", At, ErasureStage.Requested));
        Assert.All((await encryption.DecryptAsync(old)).SelectMany(r => Values(r.Event)), v => Assert.Equal(PersonalDataErased.Placeholder, v));

        // The stores' eraser rewrites what is in clear (the serializer's stored form), and leaves events without text alone.
        var serializer = new TicketEventSerializer();
        foreach (var e in old.Skip(1).Select(r => r.Event))
        {
            var (type, json) = serializer.Serialize(e);
            var rewritten = serializer.ErasePersonalData(type, json);
            Assert.NotNull(rewritten);
            Assert.DoesNotContain("13987654321", rewritten, StringComparison.Ordinal);
            Assert.Null(serializer.ErasePersonalData(type, rewritten));
        }

        var (workType, workJson) = serializer.Serialize(new WorkStarted { TicketId = id, OccurredAt = At, Actor = "a", CommandId = Guid.NewGuid() });
        Assert.Null(serializer.ErasePersonalData(workType, workJson));
    }

    [Fact]
    public async Task The_in_memory_store_erases_every_note_of_a_ticket()
    {
        var store = new InMemoryTicketStore();
        var clock = new NodaTime.Testing.FakeClock(At);
        var service = new AfterSales.Quality.Service.TicketService(store, store, clock);
        var id = TicketId.New();
        await service.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = Registered(id, "欧阳翠花", "d").Intake });
        await service.ExecuteAsync(new ExplainDelay { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "已告知13987654321", CustomerInformed = true });
        await service.ExecuteAsync(new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "客户13987654321撤回" });
        var erasure = await service.ExecuteAsync(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-1" });

        // The state the erasure returns (and a state holder keeps) shows the notes erased too, not only the stored events.
        Assert.Equal((PersonalDataErased.Placeholder, PersonalDataErased.Placeholder), (erasure.Ticket.LastDelayReason, erasure.Ticket.CancellationReason));
        var values = (await service.GetHistoryAsync(id)).SelectMany(r => Values(r.Event)).ToArray();
        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.Equal(PersonalDataErased.Placeholder, v));
        var feed = new List<string>();
        await foreach (var recorded in store.ReadFeedAsync(0))
        {
            feed.AddRange(Values(recorded.Event));
        }

        Assert.DoesNotContain(feed, v => v.Contains("13987654321", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_in_memory_access_audit_pages_by_actor_ticket_and_time_and_prunes_after_its_retention()
    {
        var store = new InMemoryTicketStore();
        var scenario = new AfterSales.Quality.Testing.AccessAuditScenario();
        await scenario.WriteAsync(store);
        await scenario.AssertPagingAndRetentionAsync(store);
    }

    [Property]
    public bool Blind_index_entries_are_equal_exactly_for_numbers_equal_after_normalisation_and_keyed(string a, string b)
    {
        a = Utf8(a ?? "");
        b = Utf8(b ?? "");
        var keys = new IndexKeys();
        var ring = MasterKeyRing.CreateRandom();
        var index = new CustomerNumberBlindIndex(keys, ring);
        var (ha, hb) = (index.HashAsync(a).AsTask().Result, index.HashAsync(b).AsTask().Result);
        var other = new CustomerNumberBlindIndex(new IndexKeys(), ring).HashAsync(a).AsTask().Result;
        var plain = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(a)));
        return (ha == hb) == (CustomerNumberBlindIndex.Normalize(a) == CustomerNumberBlindIndex.Normalize(b))
            && ha.Length == 64 && ha != plain && ha != other
            && keys.Stored is { } stored && stored.WrappedKey.StartsWith("w1:", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_blind_index_key_is_created_once_and_re_wrapped_by_the_rotation()
    {
        var keys = new IndexKeysWithData();
        var (m1, m2) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var oldRing = new MasterKeyRing(new Dictionary<string, byte[]> { ["m1"] = m1 }, "m1");
        var first = await new CustomerNumberBlindIndex(keys, oldRing).HashAsync("C1");
        Assert.Equal(first, await new CustomerNumberBlindIndex(keys, oldRing).HashAsync(" c1 "));
        var rotating = new MasterKeyRing(new Dictionary<string, byte[]> { ["m1"] = m1, ["m2"] = m2 }, "m2");
        Assert.Equal(0, await CustomerKeyRotation.RewrapAllAsync(keys, rotating));
        Assert.StartsWith("w1:m2:", keys.Stored!.WrappedKey, StringComparison.Ordinal);
        var retired = new MasterKeyRing(new Dictionary<string, byte[]> { ["m2"] = m2 }, "m2");
        Assert.Equal(first, await new CustomerNumberBlindIndex(keys, retired).HashAsync("C1"));
        Assert.Throws<ArgumentException>(() => CustomerKeyArguments.CheckIndexKey(new BlindIndexKey("nothex", "w1:x")));
    }

    private class IndexKeys : IBlindIndexKeyStore
    {
        public BlindIndexKey? Stored { get; private set; }

        public ValueTask<BlindIndexKey?> GetIndexKeyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Stored);

        public ValueTask<BlindIndexKey> AddIndexKeyIfAbsentAsync(BlindIndexKey candidate, CancellationToken cancellationToken = default)
        {
            CustomerKeyArguments.CheckIndexKey(candidate);
            Stored ??= candidate;
            return ValueTask.FromResult(Stored);
        }

        public ValueTask RewrapIndexKeyAsync(string keyId, string wrappedKey, CancellationToken cancellationToken = default)
        {
            if (Stored?.KeyId == keyId)
            {
                Stored = Stored with { WrappedKey = wrappedKey };
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A key store with no data keys that also keeps the index key (as the SQL key stores do).</summary>
    private sealed class IndexKeysWithData : IndexKeys, ICustomerKeyStore
    {
        private readonly InMemoryCustomerKeyStore data = new();

        public ValueTask<IReadOnlyDictionary<TicketId, CustomerKey>> GetAsync(IReadOnlyCollection<TicketId> ticketIds, CancellationToken cancellationToken = default) => data.GetAsync(ticketIds, cancellationToken);

        public ValueTask<CustomerKey> AddIfAbsentAsync(CustomerKey candidate, CancellationToken cancellationToken = default) => data.AddIfAbsentAsync(candidate, cancellationToken);

        public ValueTask RewrapAsync(TicketId ticketId, string dataKeyId, string wrappedKey, CancellationToken cancellationToken = default) => data.RewrapAsync(ticketId, dataKeyId, wrappedKey, cancellationToken);

        public IAsyncEnumerable<CustomerKey> ListUsableAsync(CancellationToken cancellationToken = default) => data.ListUsableAsync(cancellationToken);

        public ValueTask RequestErasureAsync(ErasureRequest request, CancellationToken cancellationToken = default) => data.RequestErasureAsync(request, cancellationToken);

        public ValueTask DestroyKeyAsync(TicketId ticketId, CancellationToken cancellationToken = default) => data.DestroyKeyAsync(ticketId, cancellationToken);

        public ValueTask CompleteErasureAsync(TicketId ticketId, CancellationToken cancellationToken = default) => data.CompleteErasureAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<ErasureRequest>> ListPendingErasuresAsync(CancellationToken cancellationToken = default) => data.ListPendingErasuresAsync(cancellationToken);
    }

    /// <summary>Every event with a note of internal work, 13 note values in all.</summary>
    private static TicketEvent[] Notes(TicketId id, string note)
    {
        var command = Guid.NewGuid();
        return
        [
            new TicketTriaged
            {
                TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, Category = TicketCategory.ProductFault,
                Assessment = new PriorityAssessment(), Priority = Priority.P2, PriorityRule = "r", Route = new Route(), RoutingRule = "r",
                RootCauseAnalysis = note, ImpactScopeDescription = note,
            },
            new AnalysisRecorded { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, RootCauseAnalysis = note, ImpactScopeDescription = note },
            new PriorityOverridden { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, PreviousPriority = Priority.P2, Priority = Priority.P1, Reason = note },
            new TicketReassigned { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, PreviousAssignee = "x", Assignee = "y", PreviousDepartment = "d", Department = "d", Reason = note },
            new PendingCustomerStarted { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, Reason = note },
            new TicketEscalated { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, Level = 1, Reason = note },
            new DelayExplained { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, Reason = note, CustomerInformed = true },
            new QualityInspected { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, Accurate = true, Notes = note },
            new TicketClosed { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, ClosedBySource = note },
            new TicketCancelled { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, Reason = note },
            new TicketMarkedDuplicate { TicketId = id, OccurredAt = At, Actor = "a", CommandId = command, DuplicateOf = "F1", Reason = note },
        ];
    }

    private static List<string> Values(TicketEvent e)
    {
        var values = new List<string>();
        CustomerDataEncryption.Map(e, (_, v) =>
        {
            values.Add(v);
            return v;
        });
        return values;
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
