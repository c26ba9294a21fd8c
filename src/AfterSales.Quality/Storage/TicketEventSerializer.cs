using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// Turns ticket events into (stable type name, JSON) and back, exactly, for stores that keep
/// text. With a <see cref="IPersonalDataProtector"/>, the customer's name, contact, address and customer number are
/// encrypted inside the JSON, so no store ever holds them in plain text. Thread-safe.
/// </summary>
public sealed class TicketEventSerializer
{
    private readonly JsonSerializerOptions json;
    private readonly IPersonalDataProtector? protector;

    /// <summary>Creates a serializer.</summary>
    /// <param name="protector">Encrypts personal data at rest; null stores it as is (tests only).</param>
    public TicketEventSerializer(IPersonalDataProtector? protector = null)
    {
        this.protector = protector;
        json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters =
            {
                StorageJson.Instant,
                StorageJson.LocalDate,
                StorageJson.TicketId,
                new NameConverter<TicketCategory>(n => new TicketCategory(n), c => c.Name),
                new NameConverter<ServiceChannel>(n => new ServiceChannel(n), c => c.Name),
            },

            // Source-generated metadata (enums by name): no reflection, trimming- and AOT-safe.
            TypeInfoResolver = StorageJsonContext.Default,
        };
    }

    /// <summary>Whether personal data is encrypted.</summary>
    public bool ProtectsPersonalData => protector is not null;

    /// <summary>Serialises an event.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The stable type name and the JSON text.</returns>
    public (string Type, string Json) Serialize(TicketEvent e)
    {
        Preconditions.CheckNotNull(e);
        var type = TicketEventTypes.NameOf(e.GetType());
        if (protector is not null && e is TicketRegistered registered)
        {
            e = registered with { Intake = Transform(registered.Intake, protector.Protect) };
        }

        return (type, JsonSerializer.Serialize(e, json.GetTypeInfo(e.GetType())));
    }

    /// <summary>Reads an event written by <see cref="Serialize"/>.</summary>
    /// <param name="type">The stable type name.</param>
    /// <param name="text">The JSON text.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The type name is unknown.</exception>
    /// <exception cref="JsonException">The JSON does not match the type.</exception>
    public TicketEvent Deserialize(string type, string text)
    {
        var e = (TicketEvent?)JsonSerializer.Deserialize(Preconditions.CheckNotNull(text), json.GetTypeInfo(TicketEventTypes.TypeOf(type)))
            ?? throw new JsonException($"Event of type '{type}' deserialised to null.");
        return Unprotected(e);
    }

    /// <summary>
    /// Reads an event written by <see cref="Serialize"/> from its UTF-8 bytes as a driver hands them out (a SQLite column's
    /// text, say), without making strings of the type name or the JSON first.
    /// </summary>
    /// <param name="type">The stable type name, UTF-8.</param>
    /// <param name="utf8Json">The JSON text, UTF-8.</param>
    /// <returns>The event, equal to what <see cref="Deserialize(string, string)"/> returns for the same text.</returns>
    /// <exception cref="ArgumentException">The type name is unknown.</exception>
    /// <exception cref="JsonException">The JSON does not match the type.</exception>
    public TicketEvent Deserialize(ReadOnlySpan<byte> type, ReadOnlySpan<byte> utf8Json)
    {
        var eventType = TypeOf(type);
        var e = (TicketEvent?)JsonSerializer.Deserialize(utf8Json, json.GetTypeInfo(eventType))
            ?? throw new JsonException($"Event of type '{TicketEventTypes.NameOf(eventType)}' deserialised to null.");
        return Unprotected(e);
    }

    /// <summary>A read event with the one-key protector's encryption of the registration undone (when there is a protector).</summary>
    private TicketEvent Unprotected(TicketEvent e) =>
        protector is not null && e is TicketRegistered registered
            ? registered with { Intake = Transform(registered.Intake, protector.Unprotect) }
            : e;

    private static readonly (byte[] Name, Type Type)[] Utf8Names =
        [.. TicketEventTypes.All.Select(t => (System.Text.Encoding.UTF8.GetBytes(t.Name), t.Type))];

    private static Type TypeOf(ReadOnlySpan<byte> name)
    {
        foreach (var (candidate, type) in Utf8Names)
        {
            if (name.SequenceEqual(candidate))
            {
                return type;
            }
        }

        return TicketEventTypes.TypeOf(System.Text.Encoding.UTF8.GetString(name)); // throws, naming it
    }

    /// <summary>
    /// The stored form of an event with the customer's personal data erased, for stores rewriting
    /// history on an erasure request; null when the event is not a registration (nothing to erase).
    /// </summary>
    /// <param name="type">The stored type name.</param>
    /// <param name="text">The stored JSON.</param>
    /// <returns>The JSON to store instead, or null.</returns>
    public string? EraseRegistration(string type, string text) =>
        Deserialize(type, text) is TicketRegistered registered
            ? Serialize(registered with { Intake = PersonalDataErased.Anonymize(registered.Intake) }).Json
            : null;

    /// <summary>
    /// The stored form of an event with every personal value and free text (<see cref="CustomerDataEncryption.HasPersonalData"/>:
    /// the registration's customer data and free text, solutions, revisit and survey text, the notes of internal work)
    /// replaced by <see cref="PersonalDataErased.Placeholder"/>, for stores rewriting a ticket's history on an erasure request —
    /// so values stored in clear (before the store encrypted them, or by the one-key protector model) leave the disk too.
    /// </summary>
    /// <param name="type">The stored type name.</param>
    /// <param name="text">The stored JSON.</param>
    /// <returns>The JSON to store instead, or null when the event holds nothing to erase (or is erased already).</returns>
    /// <exception cref="ArgumentException">The type name is unknown.</exception>
    /// <exception cref="JsonException">The JSON does not match the type.</exception>
    public string? ErasePersonalData(string type, string text)
    {
        var e = Deserialize(type, text);
        if (!CustomerDataEncryption.HasPersonalData(e))
        {
            return null;
        }

        var erased = CustomerDataEncryption.Map(e, (_, _) => PersonalDataErased.Placeholder);
        return erased == e ? null : Serialize(erased).Json;
    }

    /// <summary>Writes an event's JSON (as <see cref="Serialize"/> stores it, without protection) into <paramref name="writer"/>, which sets the encoding.</summary>
    internal void Write(Utf8JsonWriter writer, TicketEvent e) => JsonSerializer.Serialize(writer, e, json.GetTypeInfo(e.GetType()));

    /// <summary>Writes an intake's JSON (the form registrations store it in, without protection) into <paramref name="writer"/>.</summary>
    internal void Write(Utf8JsonWriter writer, TicketIntake intake) => JsonSerializer.Serialize(writer, intake, json.GetTypeInfo(typeof(TicketIntake)));

    private static TicketIntake Transform(TicketIntake intake, Func<string, string> apply) => intake with
    {
        CustomerName = apply(intake.CustomerName),
        Contact = apply(intake.Contact),
        Address = intake.Address is null ? null : apply(intake.Address),
        CustomerNumber = intake.CustomerNumber is null ? null : apply(intake.CustomerNumber),
    };

    private sealed class NameConverter<T>(Func<string, T> create, Func<T, string> name) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => create(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(name(value));
    }
}
