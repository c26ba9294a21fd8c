using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// The report's NodaTime values as ISO text: the same text NodaTime.Serialization.SystemTextJson's
/// converters write (extended ISO instants and local date-times, ISO dates), but pattern-based and
/// reflection-free, so the report's JSON is trimming- and Native-AOT-safe.
/// </summary>
internal static class ReportJsonConverters
{
    /// <summary>An <see cref="Instant"/> as extended ISO text (<c>2024-03-01T09:30:00Z</c>).</summary>
    internal sealed class InstantConverter() : PatternConverter<Instant>(InstantPattern.ExtendedIso);

    /// <summary>A <see cref="LocalDate"/> as ISO text (<c>2024-03-01</c>).</summary>
    internal sealed class LocalDateConverter() : PatternConverter<LocalDate>(LocalDatePattern.Iso);

    /// <summary>A <see cref="LocalDateTime"/> as extended ISO text (<c>2024-03-01T09:30:00</c>).</summary>
    internal sealed class LocalDateTimeConverter() : PatternConverter<LocalDateTime>(LocalDateTimePattern.ExtendedIso);

    /// <summary>A NodaTime value as the text of one pattern, read back only in that form.</summary>
    internal abstract class PatternConverter<T>(IPattern<T> pattern) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"A {typeof(T).Name} is written as a string, not {reader.TokenType}.");
            }

            var text = reader.GetString()!;
            return pattern.Parse(text) is { Success: true } result ? result.Value : throw new JsonException($"'{text}' is not an ISO {typeof(T).Name}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(pattern.Format(value));
    }
}
