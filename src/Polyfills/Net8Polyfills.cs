// The few .NET 9+ APIs the packages call, for their net8.0 build only (src/Directory.Build.props links this
// file into a project that sets UseNet8Polyfills and compiles it for net8.0). Internal, and as small as the
// calls need: on net10.0 the framework's own APIs are used.
#if !NET9_0_OR_GREATER
// System.Threading.Lock (.NET 9): the fields are only ever used with the lock statement, which on .NET 8 takes
// the object's monitor (what the statement did before Lock existed).
global using Lock = object;

namespace System
{
    /// <summary>Convert.ToHexStringLower (.NET 9) as a static extension of <see cref="Convert"/>.</summary>
    internal static class ConvertPolyfill
    {
        extension(Convert)
        {
            /// <summary>The bytes as lower-case hexadecimal text.</summary>
            public static string ToHexStringLower(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

            /// <summary>The bytes as lower-case hexadecimal text.</summary>
            public static string ToHexStringLower(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
        }
    }
}

namespace System.Buffers.Text
{
    /// <summary>Base64Url (.NET 9, RFC 4648 §5 without padding): the two calls the packages make.</summary>
    internal static class Base64Url
    {
        /// <summary>The bytes as unpadded base64url text.</summary>
        public static string EncodeToString(ReadOnlySpan<byte> source) =>
            Convert.ToBase64String(source).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        /// <summary>The bytes of base64url text (padding optional, as in .NET 9).</summary>
        /// <exception cref="FormatException">The text is not base64url.</exception>
        public static byte[] DecodeFromChars(ReadOnlySpan<char> source)
        {
            var text = source.ToString();
            if (text.AsSpan().IndexOfAny('+', '/') >= 0)
            {
                throw new FormatException("The input is not a valid Base64Url string: it holds '+' or '/'.");
            }

            var trimmed = text.TrimEnd('=');
            if (trimmed.Length % 4 == 1)
            {
                throw new FormatException("The input is not a valid Base64Url string: its length is wrong.");
            }

            var padded = trimmed.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (trimmed.Length % 4)) % 4);
            return Convert.FromBase64String(padded);
        }
    }
}
#endif
