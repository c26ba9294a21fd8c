using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// Crypto-shredding around <see cref="TicketEventSerializer"/>: a store encrypts a ticket's events
/// with <see cref="EncryptAsync"/> before serialising them and decrypts them with
/// <see cref="DecryptAsync"/> after reading. Every value of the customer's personal data — name,
/// contact, address, customer number — and every free text the customer or the agent wrote about
/// them — description, expectation, what was tried, response summary, solution, resources used,
/// revisit notes and suggestions, survey comments, and the notes of internal work (root-cause analysis, impact scope,
/// the reasons of delays, priority overrides, transfers, pending, escalations, cancellations and duplicates, a closure's
/// source reason, inspection notes) — is encrypted with AES-256-GCM under the ticket's
/// own data key, which the <see cref="ICustomerKeyStore"/> keeps wrapped by the master key
/// (<see cref="IMasterKeyProvider"/>). A value reads <c>k1:{dataKeyId}:{base64url(nonce ‖ ciphertext ‖ tag)}</c>,
/// with the ticket id and the field's name as associated data.
/// Once an erasure is requested for a ticket, its values read <see cref="PersonalDataErased.Placeholder"/>
/// and new values are stored as the placeholder; once its key is destroyed, no copy anywhere decrypts.
/// Thread-safe; keys are looked up per call (one query per batch), never cached between calls, so
/// an erasure on one node takes effect on every node at once.
/// </summary>
public sealed class CustomerDataEncryption
{
    private const string Version = "k1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly ICustomerKeyStore keys;
    private readonly IMasterKeyProvider masterKeys;

    /// <summary>Creates the encryption.</summary>
    /// <param name="keys">Where the data keys are kept.</param>
    /// <param name="masterKeys">Wraps the data keys.</param>
    public CustomerDataEncryption(ICustomerKeyStore keys, IMasterKeyProvider masterKeys)
    {
        this.keys = Preconditions.CheckNotNull(keys);
        this.masterKeys = Preconditions.CheckNotNull(masterKeys);
    }

    /// <summary>The key store.</summary>
    public ICustomerKeyStore Keys => keys;

    /// <summary>Encrypts the personal data of events about to be appended to tickets (creating a ticket's key at its first event).</summary>
    /// <param name="events">The events, each with its ticket.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events to serialise, in the same order.</returns>
    public async ValueTask<IReadOnlyList<TicketEvent>> EncryptAsync(IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(events);
        var withText = events.Where(HasPersonalData).Select(e => e.TicketId).Distinct().ToArray();
        if (withText.Length == 0)
        {
            return events;
        }

        var stored = await keys.GetAsync(withText, cancellationToken).ConfigureAwait(false);
        var open = new Dictionary<TicketId, (string Id, byte[]? Key)>();
        foreach (var ticket in withText)
        {
            if (!stored.TryGetValue(ticket, out var key))
            {
                var dataKey = RandomNumberGenerator.GetBytes(32);
                var candidate = new CustomerKey(ticket, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), null, ErasureStage.None);
                candidate = candidate with { WrappedKey = await masterKeys.WrapAsync(dataKey, candidate.WrapContext(), cancellationToken).ConfigureAwait(false) };
                key = await keys.AddIfAbsentAsync(candidate, cancellationToken).ConfigureAwait(false);
                if (key.DataKeyId == candidate.DataKeyId && key.IsUsable)
                {
                    open[ticket] = (key.DataKeyId, dataKey);
                    continue;
                }
            }

            open[ticket] = (key.DataKeyId, key.IsUsable ? await masterKeys.UnwrapAsync(key.WrappedKey!, key.WrapContext(), cancellationToken).ConfigureAwait(false) : null);
        }

        return events.Select(e => open.TryGetValue(e.TicketId, out var k)
            ? Map(e, (field, value) => k.Key is null ? PersonalDataErased.Placeholder : Encrypt(k.Id, k.Key, e.TicketId, field, value))
            : e).ToArray();
    }

    /// <summary>Encrypts the personal data of a batch of appends (one key lookup for the batch).</summary>
    /// <param name="appends">The appends.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The appends with their events encrypted, in the same order.</returns>
    public async ValueTask<IReadOnlyList<TicketAppend>> EncryptBatchAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(appends);
        var all = (await EncryptAsync(appends.SelectMany(a => a.Events).ToArray(), cancellationToken).ConfigureAwait(false)).ToArray();
        var result = new TicketAppend[appends.Count];
        var offset = 0;
        for (var i = 0; i < appends.Count; i++)
        {
            var count = appends[i].Events.Count;
            result[i] = appends[i] with { Events = all[offset..(offset + count)] };
            offset += count;
        }

        return result;
    }

    /// <summary>Decrypts the personal data of events read from the store.</summary>
    /// <param name="events">The events as read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events with their values decrypted (or <see cref="PersonalDataErased.Placeholder"/> where an erasure was requested), in the same order.</returns>
    public async ValueTask<IReadOnlyList<RecordedEvent>> DecryptAsync(IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(events);
        var withText = events.Where(e => HasPersonalData(e.Event)).Select(e => e.Event.TicketId).Distinct().ToArray();
        if (withText.Length == 0)
        {
            return events;
        }

        var stored = await keys.GetAsync(withText, cancellationToken).ConfigureAwait(false);
        var open = new Dictionary<TicketId, (CustomerKey? Record, byte[]? Key)>();
        foreach (var ticket in withText)
        {
            stored.TryGetValue(ticket, out var key);
            open[ticket] = (key, key is { IsUsable: true } ? await masterKeys.UnwrapAsync(key.WrappedKey!, key.WrapContext(), cancellationToken).ConfigureAwait(false) : null);
        }

        return events.Select(r =>
        {
            if (!open.TryGetValue(r.Event.TicketId, out var k))
            {
                return r;
            }

            var erased = k.Record is { Stage: not ErasureStage.None };
            return r with { Event = Map(r.Event, (field, value) => erased ? PersonalDataErased.Placeholder : Decrypt(k.Record, k.Key, r.Event.TicketId, field, value)) };
        }).ToArray();
    }

    /// <summary>Whether an event carries personal data or free text this class encrypts.</summary>
    /// <param name="e">The event.</param>
    /// <returns>
    /// <see langword="true"/> for registrations, resolutions, and every event with free text: responses, revisits and survey
    /// answers with text, and the notes of internal work — root-cause analysis and impact scope (triage, analysis), delay,
    /// priority-override, transfer, pending, escalation, cancellation and duplicate reasons, a closure's source reason and
    /// inspection notes.
    /// </returns>
    public static bool HasPersonalData(TicketEvent e) => e switch
    {
        TicketRegistered or TicketResolved or DelayExplained or PriorityOverridden or TicketReassigned or PendingCustomerStarted
            or TicketEscalated or TicketCancelled or TicketMarkedDuplicate => true,
        ResponseRecorded r => r.Summary is not null,
        RevisitAttemptFailed r => r.Note is not null,
        RevisitRecorded r => r.Suggestions is not null,
        SurveyAnswered r => r.Answers.Suggestion is not null,
        TicketTriaged r => r.RootCauseAnalysis is not null || r.ImpactScopeDescription is not null,
        AnalysisRecorded r => r.RootCauseAnalysis is not null || r.ImpactScopeDescription is not null,
        TicketClosed r => r.ClosedBySource is not null,
        QualityInspected r => r.Notes is not null,
        _ => false,
    };

    /// <summary>Applies <paramref name="apply"/> (field name, value) to every personal or free-text value of an event; null values stay null.</summary>
    internal static TicketEvent Map(TicketEvent e, Func<string, string, string> apply)
    {
        string? F(string field, string? value) => value is null ? null : apply(field, value);
        return e switch
        {
            TicketRegistered r => r with
            {
                Intake = r.Intake with
                {
                    CustomerName = apply(nameof(TicketIntake.CustomerName), r.Intake.CustomerName),
                    Contact = apply(nameof(TicketIntake.Contact), r.Intake.Contact),
                    Address = F(nameof(TicketIntake.Address), r.Intake.Address),
                    CustomerNumber = F(nameof(TicketIntake.CustomerNumber), r.Intake.CustomerNumber),
                    Description = apply(nameof(TicketIntake.Description), r.Intake.Description),
                    CustomerExpectation = F(nameof(TicketIntake.CustomerExpectation), r.Intake.CustomerExpectation),
                    AlreadyTried = F(nameof(TicketIntake.AlreadyTried), r.Intake.AlreadyTried),
                },
            },
            ResponseRecorded r => r with { Summary = F(nameof(ResponseRecorded.Summary), r.Summary) },
            TicketResolved r => r with { Solution = apply(nameof(TicketResolved.Solution), r.Solution), ResourcesUsed = F(nameof(TicketResolved.ResourcesUsed), r.ResourcesUsed) },
            RevisitAttemptFailed r => r with { Note = F(nameof(RevisitAttemptFailed.Note), r.Note) },
            RevisitRecorded r => r with { Suggestions = F(nameof(RevisitRecorded.Suggestions), r.Suggestions) },
            SurveyAnswered r => r with { Answers = r.Answers with { Suggestion = F(nameof(SurveyAnswers.Suggestion), r.Answers.Suggestion) } },

            // The notes of internal work: staff write them about the customer, so a phone number can be typed there too.
            TicketTriaged r => r with
            {
                RootCauseAnalysis = F(nameof(TicketTriaged.RootCauseAnalysis), r.RootCauseAnalysis),
                ImpactScopeDescription = F(nameof(TicketTriaged.ImpactScopeDescription), r.ImpactScopeDescription),
            },
            AnalysisRecorded r => r with
            {
                RootCauseAnalysis = F(nameof(AnalysisRecorded.RootCauseAnalysis), r.RootCauseAnalysis),
                ImpactScopeDescription = F(nameof(AnalysisRecorded.ImpactScopeDescription), r.ImpactScopeDescription),
            },
            DelayExplained r => r with { Reason = apply(nameof(DelayExplained) + "." + nameof(DelayExplained.Reason), r.Reason) },
            PriorityOverridden r => r with { Reason = apply(nameof(PriorityOverridden) + "." + nameof(PriorityOverridden.Reason), r.Reason) },
            TicketReassigned r => r with { Reason = apply(nameof(TicketReassigned) + "." + nameof(TicketReassigned.Reason), r.Reason) },
            PendingCustomerStarted r => r with { Reason = apply(nameof(PendingCustomerStarted) + "." + nameof(PendingCustomerStarted.Reason), r.Reason) },
            TicketEscalated r => r with { Reason = apply(nameof(TicketEscalated) + "." + nameof(TicketEscalated.Reason), r.Reason) },
            TicketCancelled r => r with { Reason = apply(nameof(TicketCancelled) + "." + nameof(TicketCancelled.Reason), r.Reason) },
            TicketMarkedDuplicate r => r with { Reason = apply(nameof(TicketMarkedDuplicate) + "." + nameof(TicketMarkedDuplicate.Reason), r.Reason) },
            TicketClosed r => r with { ClosedBySource = F(nameof(TicketClosed.ClosedBySource), r.ClosedBySource) },
            QualityInspected r => r with { Notes = F(nameof(QualityInspected.Notes), r.Notes) },
            _ => e,
        };
    }

    private static string Encrypt(string keyId, byte[] key, TicketId ticket, string field, string value)
    {
        if (value == PersonalDataErased.Placeholder)
        {
            return value;
        }

        var data = Encoding.UTF8.GetBytes(value);
        var output = new byte[NonceSize + data.Length + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length), Aad(keyId, ticket, field));
        return $"{Version}:{keyId}:{Base64Url.EncodeToString(output)}";
    }

    private static string Decrypt(CustomerKey? record, byte[]? key, TicketId ticket, string field, string value)
    {
        if (!value.StartsWith(Version + ":", StringComparison.Ordinal))
        {
            // Written before the store encrypted (or the placeholder itself).
            return value;
        }

        var parts = value.Split(':', 3);
        if (record is null || key is null || parts.Length != 3 || parts[1] != record.DataKeyId)
        {
            // No key (destroyed, or the value belongs to a key that is gone): the data is erased.
            return PersonalDataErased.Placeholder;
        }

        var payload = Base64Url.DecodeFromChars(parts[2]);
        if (payload.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"The {field} of ticket {ticket} is too short to be a ciphertext.");
        }

        var length = payload.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, length), payload.AsSpan(NonceSize + length), plain, Aad(parts[1], ticket, field));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Aad(string keyId, TicketId ticket, string field) => Encoding.UTF8.GetBytes($"{Version}:{keyId}:{ticket}:{field}");
}
