using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AfterSales.Quality.Privacy;

/// <summary>
/// Wraps and unwraps customers' data keys with a master key (envelope encryption). The master keys
/// never reach the database: only wrapped data keys do. Implement it over a KMS or an HSM to keep
/// the master keys out of the process too; <see cref="MasterKeyRing"/> is the in-process default.
/// Implementations must be thread-safe.
/// </summary>
public interface IMasterKeyProvider
{
    /// <summary>The id of the master key new data keys are wrapped with.</summary>
    string CurrentKeyId { get; }

    /// <summary>Wraps a data key with the current master key.</summary>
    /// <param name="dataKey">The 32-byte data key.</param>
    /// <param name="context">Binds the wrapped key to its owner (authenticated, not secret): unwrapping needs the same context.</param>
    /// <param name="cancellationToken">Cancels the call (e.g. to a KMS).</param>
    /// <returns>The wrapped key as text that names the master key it was wrapped with (stored as is).</returns>
    ValueTask<string> WrapAsync(ReadOnlyMemory<byte> dataKey, string context, CancellationToken cancellationToken = default);

    /// <summary>Unwraps a data key written by <see cref="WrapAsync"/>.</summary>
    /// <param name="wrappedKey">The wrapped key.</param>
    /// <param name="context">The context it was wrapped with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The data key.</returns>
    /// <exception cref="CryptographicException">The master key is not held any more, or the wrapped key or its context was altered.</exception>
    ValueTask<byte[]> UnwrapAsync(string wrappedKey, string context, CancellationToken cancellationToken = default);
}

/// <summary>
/// Master keys from configuration (e.g. <c>AfterSalesQuality:MasterKeys</c> bound from a secret
/// store): base64 32-byte keys by id and the id of the current one. Rotation: add a new key, make it
/// current, re-wrap the data keys (<c>CustomerKeyRotation.RewrapAllAsync</c>), then remove the old key.
/// </summary>
public sealed class MasterKeyRingOptions
{
    /// <summary>The master keys by id (ASCII letters, digits, '-', '_'): base64 of 32 random bytes each. At least one.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The id of the key new data keys are wrapped with; one of <see cref="Keys"/>. Required.</summary>
    public string CurrentKeyId { get; set; } = "";

    /// <summary>Checks the options, naming every bad one (<c>MasterKeyRingOptions.Keys[id]</c>); key material never appears in a message.</summary>
    /// <param name="prefix">The configuration path the options were bound from, for the messages.</param>
    /// <exception cref="QualityValidationException">An option is invalid.</exception>
    public void Validate(string prefix = nameof(MasterKeyRingOptions))
    {
        var errors = new List<ValidationError>();
        if (Keys is null || Keys.Count == 0)
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(Keys)}", "must hold at least one master key (base64 of 32 random bytes)."));
        }
        else
        {
            foreach (var (id, key) in Keys)
            {
                if (!MasterKeyRing.IsValidKeyId(id))
                {
                    errors.Add(new ValidationError($"{prefix}.{nameof(Keys)}[{id}]", "the id must be 1-64 ASCII letters, digits, '-' or '_'."));
                }

                if (!TryDecode(key, out _))
                {
                    errors.Add(new ValidationError($"{prefix}.{nameof(Keys)}[{id}]", "must be base64 of exactly 32 bytes (AES-256)."));
                }
            }
        }

        if (string.IsNullOrWhiteSpace(CurrentKeyId))
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(CurrentKeyId)}", "is required: the id of the key new data keys are wrapped with."));
        }
        else if (Keys is not null && !Keys.ContainsKey(CurrentKeyId))
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(CurrentKeyId)}", $"'{CurrentKeyId}' is not one of the keys."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(prefix, errors);
        }
    }

    internal static bool TryDecode(string? base64, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(base64))
        {
            return false;
        }

        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length == 32;
    }
}

/// <summary>
/// The in-process master key ring: AES-256-GCM key wrapping with a random 96-bit nonce, the
/// context as associated data. A wrapped key reads <c>w1:{masterKeyId}:{base64url(nonce ‖ ciphertext ‖ tag)}</c>,
/// so a ring that still holds an old key unwraps what it wrapped (rotation). Thread-safe.
/// </summary>
public sealed class MasterKeyRing : IMasterKeyProvider
{
    private const string Version = "w1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> keys;

    /// <summary>Creates a ring.</summary>
    /// <param name="keys">Every master key still needed to unwrap stored data keys, by id (32 bytes each).</param>
    /// <param name="currentKeyId">The key new data keys are wrapped with.</param>
    /// <exception cref="ArgumentException">A key is not 32 bytes, an id is invalid, or the current key is missing.</exception>
    public MasterKeyRing(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId)
    {
        Preconditions.CheckNotNull(keys);
        Preconditions.CheckNotBlank(currentKeyId);
        this.keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            Preconditions.CheckArgument(IsValidKeyId(id), nameof(keys), $"Master key id '{id}' must be 1-64 ASCII letters, digits, '-' or '_'.");
            Preconditions.CheckArgument(key is { Length: 32 }, nameof(keys), $"Master key '{id}' must be 32 bytes (AES-256); it has {key?.Length ?? 0}.");
            this.keys[id] = (byte[])key!.Clone();
        }

        Preconditions.CheckArgument(this.keys.ContainsKey(currentKeyId), nameof(currentKeyId), $"The current master key '{currentKeyId}' is not in the ring.");
        CurrentKeyId = currentKeyId;
    }

    /// <inheritdoc />
    public string CurrentKeyId { get; }

    /// <summary>The ids of the keys held.</summary>
    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>Creates a ring from validated options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The ring.</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public static MasterKeyRing FromOptions(MasterKeyRingOptions options)
    {
        Preconditions.CheckNotNull(options);
        options.Validate();
        return new MasterKeyRing(options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value.Trim()), StringComparer.Ordinal), options.CurrentKeyId);
    }

    /// <summary>A ring with one new random key (for samples and tests: what it wraps is lost with the process).</summary>
    /// <param name="keyId">The key's id.</param>
    /// <returns>The ring.</returns>
    public static MasterKeyRing CreateRandom(string keyId = "master-1") =>
        new(new Dictionary<string, byte[]> { [keyId] = RandomNumberGenerator.GetBytes(32) }, keyId);

    /// <inheritdoc />
    public ValueTask<string> WrapAsync(ReadOnlyMemory<byte> dataKey, string context, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckArgument(dataKey.Length == 32, nameof(dataKey), $"A data key is 32 bytes; it has {dataKey.Length}.");
        Preconditions.CheckNotNull(context);
        var output = new byte[NonceSize + 32 + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(keys[CurrentKeyId], TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), dataKey.Span, output.AsSpan(NonceSize, 32), output.AsSpan(NonceSize + 32), Aad(CurrentKeyId, context));
        return ValueTask.FromResult($"{Version}:{CurrentKeyId}:{Base64Url.EncodeToString(output)}");
    }

    /// <inheritdoc />
    public ValueTask<byte[]> UnwrapAsync(string wrappedKey, string context, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(wrappedKey);
        Preconditions.CheckNotNull(context);
        var parts = wrappedKey.Split(':', 3);
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new CryptographicException("The wrapped key is not in the w1:{masterKeyId}:{payload} form this ring writes.");
        }

        if (!keys.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException($"The data key was wrapped with master key '{parts[1]}', which is not in the ring.");
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("The wrapped key is not base64url.", ex);
        }

        if (payload.Length != NonceSize + 32 + TagSize)
        {
            throw new CryptographicException("The wrapped key has the wrong length.");
        }

        var dataKey = new byte[32];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, 32), payload.AsSpan(NonceSize + 32), dataKey, Aad(parts[1], context));
        return ValueTask.FromResult(dataKey);
    }

    internal static bool IsValidKeyId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static byte[] Aad(string keyId, string context) => Encoding.UTF8.GetBytes($"{Version}:{keyId}:{context}");
}
