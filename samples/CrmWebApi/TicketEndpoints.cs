using AfterSales.Quality;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace CrmWebApi;

/// <summary>The ticket endpoints: registration, the lifecycle commands, the ticket and its history.</summary>
public static class TicketEndpoints
{
    public static IEndpointRouteBuilder MapTicketEndpoints(this IEndpointRouteBuilder app)
    {
        var tickets = app.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapPost("/", RegisterAsync);
        tickets.MapGet("/{id:guid}", GetAsync);
        tickets.MapGet("/{id:guid}/history", HistoryAsync);

        tickets.MapPost("/{id:guid}/triage", (Guid id, TriageRequest? body, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new TriageTicket
            {
                TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor,
                Category = ParseCategory(body?.Category),
                Assessment = (body?.Assessment ?? new AssessmentRequest()).ToDomain(),
                Department = body?.Department,
                FirstResponsiblePerson = body?.FirstResponsiblePerson,
            }, ct);
        });
        tickets.MapPost("/{id:guid}/assign", (Guid id, AssignRequest? body, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new AssignTicket { TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor, Assignee = body?.Assignee ?? "" }, ct);
        });
        tickets.MapPost("/{id:guid}/start", (Guid id, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new StartWork { TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor }, ct);
        });
        tickets.MapPost("/{id:guid}/respond", (Guid id, RespondRequest? body, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new RecordResponse { TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor, Summary = body?.Summary }, ct);
        });
        tickets.MapPost("/{id:guid}/resolve", (Guid id, ResolveRequest? body, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new ResolveTicket { TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor, Solution = body?.Solution ?? "" }, ct);
        });
        tickets.MapPost("/{id:guid}/revisit", (Guid id, RevisitRequest? body, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            if (body?.Method is null)
            {
                throw new QualityValidationException(nameof(RecordRevisit), [new ValidationError("Method", "is required: Phone, Online or OnSite.")]);
            }

            return ExecuteAsync(http, new RecordRevisit
            {
                TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor,
                Method = body.Method.Value, Resolved = body.Resolved, Score = body.Score, Suggestions = body.Suggestions, Unreachable = body.Unreachable ?? false,
            }, ct);
        });
        tickets.MapPost("/{id:guid}/close", (Guid id, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new CloseTicket { TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor }, ct);
        });
        tickets.MapPost("/{id:guid}/survey", (Guid id, SurveyAnswers? body, HttpContext http, CancellationToken ct) =>
        {
            var h = CommandHeaders.From(http);
            return ExecuteAsync(http, new RecordSurvey { TicketId = new TicketId(id), CommandId = h.CommandId, Actor = h.Actor, Answers = body ?? new SurveyAnswers() }, ct);
        });
        return app;
    }

    private static async Task<IResult> RegisterAsync(RegisterTicketRequest? body, HttpContext http, TicketService service, TicketViews views, IClock clock, CancellationToken ct)
    {
        var h = CommandHeaders.From(http);
        body ??= new RegisterTicketRequest();
        var ticketId = h.TicketIdForRegistration(body.TicketId);

        // A retry must resend the very same command: a receipt time this server filled in on the
        // first attempt is taken from the ticket that attempt registered, not from the clock again.
        var earlier = body.ReceivedAt is null ? await service.FindAsync(ticketId, ct) : null;
        var intake = new TicketIntake
        {
            CustomerName = body.CustomerName ?? "",
            CustomerKind = body.CustomerKind ?? CustomerKind.Person,
            Contact = body.Contact ?? "",
            Address = body.Address,
            CustomerSegment = body.CustomerSegment,
            ProductModel = body.ProductModel ?? "",
            ProductLine = body.ProductLine,
            PurchaseOrServiceDate = body.PurchaseOrServiceDate,
            Channel = ParseChannel(body.Channel),
            ReceivedAt = body.ReceivedAt ?? earlier?.Intake?.ReceivedAt ?? clock.GetCurrentInstant(),
            Description = body.Description ?? "",
            CustomerExpectation = body.CustomerExpectation,
            AlreadyTried = body.AlreadyTried,
            ServiceTicketNumber = body.ServiceTicketNumber,
            Owner = body.Owner ?? h.Actor,
        };
        var command = new RegisterTicket { TicketId = ticketId, CommandId = h.CommandId, Actor = h.Actor, Intake = intake };
        var result = await service.ExecuteAsync(command, ct);
        MarkReplay(http, result);
        var view = await views.FindAsync(command.TicketId, ct);
        return Results.Created($"/tickets/{command.TicketId}", view);
    }

    private static async Task<IResult> GetAsync(Guid id, TicketViews views, CancellationToken ct) =>
        await views.FindAsync(new TicketId(id), ct) is { } view ? Results.Ok(view) : NotFound(id);

    private static async Task<IResult> HistoryAsync(Guid id, TicketViews views, CancellationToken ct) =>
        await views.HistoryAsync(new TicketId(id), ct) is { } history ? Results.Ok(history) : NotFound(id);

    private static async Task<IResult> ExecuteAsync(HttpContext http, TicketCommand command, CancellationToken ct)
    {
        var service = http.RequestServices.GetRequiredService<TicketService>();
        var views = http.RequestServices.GetRequiredService<TicketViews>();
        var result = await service.ExecuteAsync(command, ct);
        MarkReplay(http, result);
        return Results.Ok(await views.FindAsync(command.TicketId, ct));
    }

    private static void MarkReplay(HttpContext http, TicketCommandResult result)
    {
        if (result.AlreadyApplied)
        {
            http.Response.Headers[CommandHeaders.ReplayedHeader] = "true";
        }
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Ticket not found.", detail: $"Ticket {id:D} has not been registered.");

    private static TicketCategory ParseCategory(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new QualityValidationException(nameof(TriageTicket), [new ValidationError("Category", "is required: product-fault, service-experience, suggestion, complaint or a category of your own.")]);
        }

        try
        {
            return new TicketCategory(name);
        }
        catch (ArgumentException)
        {
            throw new QualityValidationException(nameof(TriageTicket), [new ValidationError("Category", "must be 1-64 letters, digits, '-', '_' or '.'.")]);
        }
    }

    private static ServiceChannel ParseChannel(string? name)
    {
        if (name is null)
        {
            return ServiceChannel.Phone;
        }

        try
        {
            return new ServiceChannel(name);
        }
        catch (ArgumentException)
        {
            throw new QualityValidationException(nameof(RegisterTicket), [new ValidationError("Channel", "must be 1-64 letters, digits, '-', '_' or '.' (phone, online-chat, email, social-media, app, web-form, paper-form or your own).")]);
        }
    }
}
