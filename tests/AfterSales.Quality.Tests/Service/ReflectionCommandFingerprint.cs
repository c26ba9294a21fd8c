using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AfterSales.Quality.Service;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace AfterSales.Quality.Tests.Service;

/// <summary>
/// The oracle: the fingerprint exactly as the library computed it before the hand-written encoder, by the reflection serializer
/// (kept verbatim, only renamed), which every stored fingerprint was recorded with.
/// </summary>
/// <remarks>
/// The fingerprint of a command: its type name, a colon, the first 96 bits (hex) of the SHA-256 of its
/// JSON with the command id blanked and the customer's name, contact and address left out, and for a
/// registration 8 more bits of a hash of those three. A full hash of a phone number is not anonymous
/// (the numbers can be enumerated); 8 bits leave hundreds of thousands of candidates, yet tell 255 of
/// 256 different customers apart under a reused id. Equal for a retry of the same command.
/// </remarks>
internal static class ReflectionCommandFingerprint
{
    // Fields added after fingerprints were first recorded are left out while null, so a command recorded
    // before them fingerprints the same after an upgrade (a retry across it is still a retry).
    private static readonly HashSet<(Type, string)> AddedLater =
    [
        (typeof(TicketIntake), nameof(TicketIntake.CustomerNumber)),
        (typeof(TicketIntake), nameof(TicketIntake.ProblemOccurredAt)),
        (typeof(TriageTicket), nameof(TriageTicket.RootCauseAnalysis)),
        (typeof(TriageTicket), nameof(TriageTicket.ImpactScopeDescription)),
        (typeof(TriageTicket), nameof(TriageTicket.PlannedCompletion)),
        (typeof(ResolveTicket), nameof(ResolveTicket.ResourcesUsed)),
    ];

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitLaterFieldsWhenNull } },
    }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public static string Of(TicketCommand command)
    {
        var payload = command with { CommandId = Guid.Empty };
        var customer = "";
        if (payload is RegisterTicket register && register.Intake is { } intake)
        {
            payload = register with { Intake = intake with { CustomerName = "", Contact = "", Address = null, CustomerNumber = null } };
            var number = intake.CustomerNumber is null ? "" : "\u0000" + intake.CustomerNumber;
            var personal = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{intake.CustomerName}\u0000{intake.Contact}\u0000{intake.Address}{number}"));
            customer = "-" + Convert.ToHexStringLower(personal.AsSpan(0, 1));
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json);
        var hash = SHA256.HashData(bytes);
        return command.GetType().Name + ":" + Convert.ToHexStringLower(hash.AsSpan(0, 12)) + customer;
    }

    private static void OmitLaterFieldsWhenNull(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (AddedLater.Contains((type.Type, property.Name)))
            {
                property.ShouldSerialize = static (_, value) => value is not null;
            }
        }
    }
}
