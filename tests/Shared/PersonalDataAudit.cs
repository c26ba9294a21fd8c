using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Testing;

/// <summary>
/// Audits raw database files the way an attacker with a copy of the disk would: searches every byte
/// for each secret in every encoding a store might write (UTF-8, JSON <c>\uXXXX</c> in both cases,
/// UTF-16LE), then finds every ciphertext (<c>k1:</c> values) and every wrapped data key (<c>w1:</c>)
/// and tries to open them with every key still held — the master keys, the data keys still stored,
/// and any data key the master keys unwrap from a copy left behind.
/// </summary>
public static partial class PersonalDataAudit
{
    private static readonly string[] Fields =
    [
        nameof(TicketIntake.CustomerName), nameof(TicketIntake.Contact), nameof(TicketIntake.Address), nameof(TicketIntake.CustomerNumber),
        nameof(TicketIntake.Description), nameof(TicketIntake.CustomerExpectation), nameof(TicketIntake.AlreadyTried),
        nameof(ResponseRecorded.Summary), nameof(TicketResolved.Solution), nameof(TicketResolved.ResourcesUsed),
        nameof(RevisitAttemptFailed.Note), nameof(RevisitRecorded.Suggestions), nameof(SurveyAnswers.Suggestion),
        nameof(TicketTriaged.RootCauseAnalysis), nameof(TicketTriaged.ImpactScopeDescription),
        "DelayExplained.Reason", "PriorityOverridden.Reason", "TicketReassigned.Reason", "PendingCustomerStarted.Reason",
        "TicketEscalated.Reason", "TicketCancelled.Reason", "TicketMarkedDuplicate.Reason", nameof(TicketClosed.ClosedBySource), nameof(QualityInspected.Notes),
    ];

    /// <summary>Every byte form of a secret a store might write.</summary>
    public static IEnumerable<(string Encoding, byte[] Bytes)> Encodings(string secret)
    {
        yield return ("UTF-8", Encoding.UTF8.GetBytes(secret));
        yield return ("UTF-16LE", Encoding.Unicode.GetBytes(secret));
        if (secret.Any(c => c > 127))
        {
            yield return ("JSON \\uXXXX", Encoding.ASCII.GetBytes(string.Concat(secret.Select(c => c > 127 ? $"\\u{(int)c:X4}" : c.ToString()))));
            yield return ("JSON \\uxxxx", Encoding.ASCII.GetBytes(string.Concat(secret.Select(c => c > 127 ? $"\\u{(int)c:x4}" : c.ToString()))));
        }
    }

    /// <summary>Where a secret appears in plain text, in any encoding: "file: secret (encoding)".</summary>
    public static IReadOnlyList<string> FindPlaintext(IEnumerable<string> files, IReadOnlyCollection<string> secrets)
    {
        var found = new List<string>();
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            foreach (var secret in secrets)
            {
                foreach (var (encoding, pattern) in Encodings(secret))
                {
                    if (bytes.AsSpan().IndexOf(pattern) >= 0)
                    {
                        found.Add($"{file}: {secret} ({encoding})");
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Every value recovered from the files: each <c>k1:</c> ciphertext found is tried with every data key
    /// held, as any ticket and field. The keys held are <paramref name="dataKeys"/> plus every wrapped key
    /// found in the files that <paramref name="masterKeys"/> unwraps for one of <paramref name="contexts"/>.
    /// </summary>
    /// <returns>The recovered plaintexts with the ticket they were bound to.</returns>
    public static async Task<IReadOnlyList<(TicketId Ticket, string Field, string Plaintext)>> RecoverAsync(
        IEnumerable<string> files, IMasterKeyProvider masterKeys, IReadOnlyDictionary<string, byte[]> dataKeys, IReadOnlyCollection<(TicketId Ticket, string DataKeyId)> contexts)
    {
        var wrappedKeys = new HashSet<string>(StringComparer.Ordinal);
        var ciphertexts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = Encoding.Latin1.GetString(ReadShared(file));
            wrappedKeys.UnionWith(WrappedKey().Matches(text).Select(m => m.Groups[1].Value));
            ciphertexts.UnionWith(Ciphertext().Matches(text).Select(m => m.Groups[1].Value));
        }

        var keys = new Dictionary<string, byte[]>(dataKeys, StringComparer.Ordinal);
        foreach (var wrapped in wrappedKeys)
        {
            foreach (var (ticket, id) in contexts)
            {
                try
                {
                    keys[id] = await masterKeys.UnwrapAsync(wrapped, $"{ticket}/{id}");
                }
                catch (CryptographicException)
                {
                    // Not this context, or a master key no longer held.
                }
            }
        }

        var recovered = new List<(TicketId, string, string)>();
        foreach (var value in ciphertexts)
        {
            var parts = value.Split(':', 3);
            if (!keys.TryGetValue(parts[1], out var key))
            {
                continue;
            }

            // A binary format (jsonb) stores strings back to back: the match may run into the next value, so every shorter cut is tried too.
            var opened = false;
            for (var length = parts[2].Length; length >= 38 && !opened; length--)
            {
                if (length % 4 == 1)
                {
                    continue;
                }

                byte[] payload;
                try
                {
                    payload = Base64Url.DecodeFromChars(parts[2].AsSpan(0, length));
                }
                catch (FormatException)
                {
                    continue;
                }

                foreach (var (ticket, _) in contexts)
                {
                    foreach (var field in Fields)
                    {
                        var plain = new byte[payload.Length - 28];
                        try
                        {
                            using var aes = new AesGcm(key, 16);
                            aes.Decrypt(payload.AsSpan(0, 12), payload.AsSpan(12, plain.Length), payload.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes($"k1:{parts[1]}:{ticket}:{field}"));
                            recovered.Add((ticket, field, Encoding.UTF8.GetString(plain)));
                            opened = true;
                        }
                        catch (CryptographicException)
                        {
                            // Not this binding or not this cut.
                        }
                    }
                }
            }
        }

        return recovered;
    }

    /// <summary>The data keys a key store still holds, unwrapped (what the application itself can decrypt).</summary>
    public static async Task<IReadOnlyDictionary<string, byte[]>> HeldDataKeysAsync(ICustomerKeyStore store, IMasterKeyProvider masterKeys)
    {
        var held = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in store.ListUsableAsync())
        {
            held[key.DataKeyId] = await masterKeys.UnwrapAsync(key.WrappedKey!, key.WrapContext());
        }

        return held;
    }

    private static byte[] ReadShared(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        FileStream stream;
        try
        {
            stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            // The server removed it (a temporary or recycled file) between the listing and the read.
            return [];
        }

        using var _ = stream;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    [GeneratedRegex("(?=(k1:[0-9a-f]{16}:[A-Za-z0-9_-]{38,}))")]
    private static partial Regex Ciphertext();

    [GeneratedRegex("(?=(w1:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{80}))")]
    private static partial Regex WrappedKey();
}
