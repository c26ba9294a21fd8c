using System.Text.Json;
using AfterSales.Quality;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CrmWebApi;

/// <summary>
/// Turns the library's refusals into RFC 7807 problem details: invalid input → 400 with every field
/// named, unknown ticket → 404, a stale writer or a lifecycle refusal → 409, a broken rule → 422, the store
/// unavailable → 503 (with <c>Retry-After</c> when a retry soon may succeed: the command may have committed, so the
/// client retries with the same <c>Idempotency-Key</c>). Anything else is a bug and stays a 500. Messages never carry
/// personal data (the library's rule); a store failure's driver message stays in the log.
/// </summary>
internal sealed partial class QualityExceptionHandler(IProblemDetailsService problems, Microsoft.Extensions.Options.IOptions<CrmWebApiOptions> settings, ILogger<QualityExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception);
        if (problem is null)
        {
            return false;
        }

        if (exception is TicketStoreUnavailableException unavailable)
        {
            StoreUnavailable(logger, unavailable.IsTransient, exception);
            if (unavailable.IsTransient)
            {
                httpContext.Response.Headers.RetryAfter = settings.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    internal static ProblemDetails? ToProblem(Exception exception) => exception switch
    {
        QualityValidationException invalid => Invalid(
            $"{invalid.Subject} is invalid.",
            invalid.Errors.Select(e => (JsonField(e.Field), e.Message))),
        BadHttpRequestException { InnerException: JsonException json } => Invalid(
            "The request body is not valid JSON for this endpoint.",
            [(JsonPath(json.Path), "could not be read: check its type and format (instants ISO-8601 such as 2024-03-01T02:30:00Z, dates 2024-03-01, enums by name).")]),
        BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request.", Detail = bad.Message },
        TicketNotFoundException notFound => new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "Ticket not found.",
            Detail = notFound.Message,
        },
        TicketConcurrencyException conflict => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Another writer changed the ticket first.",
            Detail = conflict.Message + " Read the ticket and retry (a retry with the same Idempotency-Key is safe).",
            Extensions = { ["expectedVersion"] = conflict.ExpectedVersion, ["actualVersion"] = conflict.ActualVersion },
        },
        IllegalTicketCommandException illegal => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The ticket's lifecycle does not permit this command now.",
            Detail = illegal.Message,
            Extensions =
            {
                ["state"] = illegal.State.ToString(),
                ["command"] = illegal.Command,
                ["permitted"] = TicketLifecycle.PermittedTriggers(illegal.State).Select(t => t.ToString()).ToArray(),
            },
        },
        CommandIdConflictException reused => new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The Idempotency-Key was already used for a different command on this ticket.",
            Detail = reused.Message,
            Extensions = { ["commandId"] = reused.CommandId },
        },
        TicketRuleViolationException rule => new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The command breaks a rule of the after-sales process.",
            Detail = rule.Message,
            Extensions = { ["rule"] = rule.Rule, ["state"] = rule.State.ToString() },
        },
        TicketStoreUnavailableException unavailable => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = unavailable.IsTransient ? "The ticket store is busy or unreachable; retry shortly." : "The ticket store is unavailable; an operator must act.",
            Detail = "The command may have been applied before the failure. Retry it with the same Idempotency-Key: it is applied once "
                + "(a retry of a command that was applied answers as a replay). Never retry with a new key.",
            Extensions = { ["transient"] = unavailable.IsTransient, ["operation"] = unavailable.Operation },
        },
        _ => null,
    };

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "The ticket store is unavailable (transient: {Transient}); answered 503")]
    private static partial void StoreUnavailable(ILogger logger, bool transient, Exception exception);

    private static HttpValidationProblemDetails Invalid(string title, IEnumerable<(string Field, string Message)> errors) =>
        new(errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
        };

    /// <summary>The JSON name of a library field path: <c>Assessment.Severity</c> → <c>assessment.severity</c>.</summary>
    internal static string JsonField(string field) => field switch
    {
        nameof(TicketCommand.CommandId) => CommandHeaders.IdempotencyKeyHeader,
        nameof(TicketCommand.Actor) => CommandHeaders.ActorHeader,
        CommandHeaders.IdempotencyKeyHeader or CommandHeaders.ActorHeader => field,
        // The survey body is the answers object itself.
        nameof(RecordSurvey.Answers) => "answers",
        _ when field.StartsWith("Answers.", StringComparison.Ordinal) => JsonField(field["Answers.".Length..]),
        _ => string.Join('.', field.Split('.').Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..])),
    };

    private static string JsonPath(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
