using System.Security.Cryptography;
using System.Text.Json;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace AfterSales.Quality.Service;

/// <summary>
/// The fingerprint of a command: its type name, a colon, the first 96 bits (hex) of the SHA-256 of its
/// JSON with the command id blanked and the customer's name, contact and address left out, and for a
/// registration 8 more bits of a hash of those three. A full hash of a phone number is not anonymous
/// (the numbers can be enumerated); 8 bits leave hundreds of thousands of candidates, yet tell 255 of
/// 256 different customers apart under a reused id. Equal for a retry of the same command.
/// </summary>
internal static class CommandFingerprint
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    public static string Of(TicketCommand command)
    {
        var payload = command with { CommandId = Guid.Empty };
        var customer = "";
        if (payload is RegisterTicket register && register.Intake is { } intake)
        {
            payload = register with { Intake = intake with { CustomerName = "", Contact = "", Address = null } };
            var personal = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{intake.CustomerName}\u0000{intake.Contact}\u0000{intake.Address}"));
            customer = "-" + Convert.ToHexStringLower(personal.AsSpan(0, 1));
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json);
        var hash = SHA256.HashData(bytes);
        return command.GetType().Name + ":" + Convert.ToHexStringLower(hash.AsSpan(0, 12)) + customer;
    }
}
