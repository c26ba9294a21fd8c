using System.Security.Cryptography;
using System.Text;

namespace AfterSales.Quality.Privacy;

/// <summary>
/// Encrypts personal data before a store writes it, and decrypts it when read. Stores call it for
/// the customer's name, contact, address and customer number; everything else stays readable for queries.
/// Implementations must be thread-safe.
/// </summary>
public interface IPersonalDataProtector
{
    /// <summary>Encrypts a value.</summary>
    /// <param name="plaintext">The value.</param>
    /// <returns>The protected form (safe to store as text).</returns>
    string Protect(string plaintext);

    /// <summary>Decrypts a value written by <see cref="Protect"/>.</summary>
    /// <param name="protectedText">The protected form.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CryptographicException">The value was tampered with or its key is unknown.</exception>
    string Unprotect(string protectedText);
}

/// <summary>
/// The default protector: AES-256-GCM with a random 96-bit nonce per value, authenticated, with a
/// key ring for rotation. The protected form is <c>v1:{keyId}:{base64(nonce ‖ ciphertext ‖ tag)}</c>;
/// values are encrypted with the current key and decrypted with whichever key they name.
/// The host supplies the keys (e.g. from its secret store). Thread-safe.
/// </summary>
public sealed class AesGcmPersonalDataProtector : IPersonalDataProtector
{
    private const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> keys;
    private readonly string currentKeyId;

    /// <summary>Creates a protector with one key.</summary>
    /// <param name="keyId">The key's id (letters, digits, '-', '_'), stored with every value.</param>
    /// <param name="key">A 32-byte key.</param>
    /// <exception cref="ArgumentException">The id or the key is invalid.</exception>
    public AesGcmPersonalDataProtector(string keyId, byte[] key)
        : this(new Dictionary<string, byte[]> { [keyId] = key }, keyId)
    {
    }

    /// <summary>Creates a protector with a key ring.</summary>
    /// <param name="keys">Every key still needed to read old values, by id.</param>
    /// <param name="currentKeyId">The key new values are encrypted with.</param>
    /// <exception cref="ArgumentException">A key is not 32 bytes, an id is invalid, or the current key is missing.</exception>
    public AesGcmPersonalDataProtector(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId)
    {
        Preconditions.CheckNotNull(keys);
        Preconditions.CheckNotBlank(currentKeyId);
        this.keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            Preconditions.CheckArgument(!string.IsNullOrEmpty(id) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), nameof(keys), $"Key id '{id}' must be ASCII letters, digits, '-' or '_'.");
            Preconditions.CheckArgument(key is { Length: 32 }, nameof(keys), $"Key '{id}' must be 32 bytes (AES-256); it has {key?.Length ?? 0}.");
            this.keys[id] = (byte[])key!.Clone();
        }

        Preconditions.CheckArgument(this.keys.ContainsKey(currentKeyId), nameof(currentKeyId), $"The current key '{currentKeyId}' is not in the key ring.");
        this.currentKeyId = currentKeyId;
    }

    /// <inheritdoc />
    public string Protect(string plaintext)
    {
        Preconditions.CheckNotNull(plaintext);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + data.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys[currentKeyId], TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length), Encoding.ASCII.GetBytes(currentKeyId));
        return $"{Version}:{currentKeyId}:{Convert.ToBase64String(output)}";
    }

    /// <inheritdoc />
    public string Unprotect(string protectedText)
    {
        Preconditions.CheckNotNull(protectedText);
        var parts = protectedText.Split(':', 3);
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new CryptographicException("The value is not in the v1:{keyId}:{payload} form this protector writes.");
        }

        if (!keys.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException($"The value was encrypted with key '{parts[1]}', which is not in the key ring.");
        }

        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("The protected payload is not base64.", ex);
        }

        if (payload.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected payload is too short.");
        }

        var length = payload.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, length), payload.AsSpan(NonceSize + length), plain, Encoding.ASCII.GetBytes(parts[1]));
        return Encoding.UTF8.GetString(plain);
    }
}
