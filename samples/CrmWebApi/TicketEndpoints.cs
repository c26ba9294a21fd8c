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
        tickets.MapPost("/{id:guid}/erase-customer", EraseCustomerAsync);

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
            CustomerNumber = body.CustomerNumber,
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
        var view = await views.FindAsync(command.TicketId, RequestViewer.From(http), Purposes.CommandAnswer, ct);
        return Results.Created($"/tickets/{command.TicketId}", view);
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, TicketViews views, CancellationToken ct) =>
        await views.FindAsync(new TicketId(id), RequestViewer.From(http), Purposes.TicketView, ct) is { } view ? Results.Ok(view) : NotFound(id);

    /// <summary>
    /// Erases the customer of a ticket — that ticket and every other ticket registered with its customer number
    /// (<see cref="TicketService.EraseCustomerAsync(TicketId, string, string, CancellationToken)"/>) — for a data-protection
    /// officer (<see cref="RequestViewer.DataProtectionOfficerRole"/>); 403 for anyone else.
    /// </summary>
    private static async Task<IResult> EraseCustomerAsync(Guid id, EraseCustomerRequest? body, HttpContext http, TicketService service, CancellationToken ct)
    {
        var viewer = RequestViewer.From(http);
        if (!viewer.Roles.Contains(RequestViewer.DataProtectionOfficerRole))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: $"Erasing a customer's data needs the role '{RequestViewer.DataProtectionOfficerRole}'.");
        }

        var reason = body?.Reason;
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new QualityValidationException("Erasure request", [new ValidationError("Reason", "is required: the request's reference (e.g. PIPL-47 request 17), recorded with each erasure; no personal data.")]);
        }

        var erased = await service.EraseCustomerAsync(new TicketId(id), viewer.Id, reason, ct);
        return Results.Ok(new ErasureView([.. erased.Select(t => t.Value)]));
    }

    private static async Task<IResult> HistoryAsync(Guid id, TicketViews views, CancellationToken ct) =>
        await views.HistoryAsync(new TicketId(id), ct) is { } history ? Results.Ok(history) : NotFound(id);

    private static async Task<IResult> ExecuteAsync(HttpContext http, TicketCommand command, CancellationToken ct)
    {
        var service = http.RequestServices.GetRequiredService<TicketService>();
        var views = http.RequestServices.GetRequiredService<TicketViews>();
        var result = await service.ExecuteAsync(command, ct);
        MarkReplay(http, result);
        return Results.Ok(await views.FindAsync(command.TicketId, RequestViewer.From(http), Purposes.CommandAnswer, ct));
    }

    /// <summary>The purposes recorded in the audit with each read (no personal data).</summary>
    private static class Purposes
    {
        public const string TicketView = "crm api: ticket view";
        public const string CommandAnswer = "crm api: command answer";
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
