using AfterSales.Quality.Kpi;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Testing;

/// <summary>
/// The issue-18 done-test, for any store with customer keys: a customer with a distinctive Chinese
/// name, phone, address and a phone number typed into the description (and into the solution, the
/// revisit suggestions and the survey comment) goes through a whole ticket life, next to a control
/// customer who is not erased; then the first is erased.
/// </summary>
public sealed class ErasureScenario
{
    /// <summary>
    /// The notes of internal work written about the erased customer — root-cause analysis, impact scope, analysis, priority
    /// override, transfer, pending, escalation and delay reasons, inspection notes — each with the phone number typed in.
    /// </summary>
    public static readonly string[] InternalNotes =
    [
        "根因：欧阳的电池13987654321", "影响：仅欧阳翠花一户", "分析：回电13987654321核实", "加急：欧阳13987654321投诉",
        "转交：欧阳请联系13987654321", "等待欧阳回电13987654321", "升级：欧阳13987654321要求", "延误已告知欧阳13987654321",
        "质检：欧阳13987654321通话",
    ];

    /// <summary>The erased customer's values, each of which must be gone from the disk.</summary>
    public static readonly string[] Secrets =
    [
        "欧阳翠花", "13912345678", "上海市浦东新区锦绣路一千八百号", "C-OUYANG-77", "13987654321",
        "翠花的邻居", "打了13987654321", "欧阳家里", "回访建议欧阳",
        .. InternalNotes,
    ];

    /// <summary>The control customer's name (must stay readable: proves the audit can find what is there).</summary>
    public const string ControlName = "司马懿德";

    private static readonly Instant Start = Instant.FromUtc(2024, 3, 1, 1, 0);

    public TicketId Erased { get; } = TicketId.New();

    public TicketId Control { get; } = TicketId.New();

    public static TicketService Service<TStore>(TStore store, IClock clock)
        where TStore : ITicketStore, ISequenceStore => new(store, store, clock);

    /// <summary>Writes both customers' whole ticket lives.</summary>
    public async Task WriteAsync(TicketService service)
    {
        await LifeAsync(service, Erased, "欧阳翠花", "13912345678", "上海市浦东新区锦绣路一千八百号", "C-OUYANG-77",
            "手机无法充电，翠花的邻居也试过，请回电13987654321", "修好了，打了13987654321确认", "回访建议欧阳", "欧阳家里都满意", InternalNotes);
        await LifeAsync(service, Control, ControlName, "13700000001", "北京市海淀区", "C-SIMA-1", "屏幕碎了", "换屏", "无", "好",
            ["根因：屏幕", "影响：一户", "分析：摔落", "加急", "转交", "等待回电", "升级", "延误", "质检"]);
    }

    /// <summary>The KPI facts of every ticket, projected from the store's feed.</summary>
    public static async Task<TicketFact[]> FactsAsync(ITicketStore store, IClock clock)
    {
        var projection = new TicketFactProjection(store, SlaPolicySet.Default);
        await projection.RefreshAsync(clock.GetCurrentInstant());
        return projection.Facts.Facts.ToArray();
    }

    /// <summary>Erases the first customer through the service.</summary>
    public Task EraseAsync(TicketService service) =>
        service.ExecuteAsync(new EraseCustomerData { TicketId = Erased, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "PIPL-DSR-18" });

    /// <summary>
    /// What is left of an erasure a crash interrupted right after its event was appended: the request is
    /// recorded and the event stored, but the key is not destroyed yet.
    /// </summary>
    public async Task CrashMidErasureAsync(ITicketStore store, ICustomerKeyStore keys, IClock clock)
    {
        var command = Guid.NewGuid();
        await keys.RequestErasureAsync(new ErasureRequest(Erased, command, "dpo", "PIPL-DSR-18", clock.GetCurrentInstant(), ErasureStage.Requested));
        var stream = await store.ReadStreamAsync(Erased);
        await store.AppendAsync(Erased, stream.Version, [new PersonalDataErased { TicketId = Erased, OccurredAt = clock.GetCurrentInstant(), Actor = "dpo", CommandId = command, Reason = "PIPL-DSR-18" }]);
    }

    /// <summary>The data key id of every ticket, as a DBA reads it from the key table (the audit's binding contexts).</summary>
    public async Task<IReadOnlyCollection<(TicketId, string)>> ContextsAsync(ICustomerKeyStore keys)
    {
        var stored = await keys.GetAsync([Erased, Control]);
        return [.. stored.Values.Select(k => (k.TicketId, k.DataKeyId))];
    }

    /// <summary>Asserts the erased ticket reads as erased everywhere and the control customer as written.</summary>
    public async Task AssertReadsAsync(TicketService service, ITicketStore store)
    {
        var erased = await service.GetAsync(Erased);
        Assert.Equal(
            (PersonalDataErased.Placeholder, PersonalDataErased.Placeholder, PersonalDataErased.Placeholder, PersonalDataErased.Placeholder, PersonalDataErased.Placeholder, PersonalDataErased.Placeholder),
            (erased.Intake!.CustomerName, erased.Intake.Contact, erased.Intake.Address, erased.Intake.CustomerNumber, erased.Intake.Description, erased.Solution));
        Assert.Equal("Phone Pro", erased.Intake.ProductModel);
        var texts = new List<string?>();
        await foreach (var recorded in store.ReadFeedAsync(0))
        {
            if (recorded.Event.TicketId == Erased)
            {
                texts.Add(recorded.Event switch
                {
                    TicketRegistered r => r.Intake.CustomerName + r.Intake.Contact + r.Intake.Address + r.Intake.Description,
                    TicketResolved r => r.Solution,
                    RevisitRecorded r => r.Suggestions,
                    SurveyAnswered r => r.Answers.Suggestion,
                    TicketTriaged r => r.RootCauseAnalysis + r.ImpactScopeDescription,
                    AnalysisRecorded r => r.RootCauseAnalysis + r.ImpactScopeDescription,
                    PriorityOverridden r => r.Reason,
                    TicketReassigned r => r.Reason,
                    PendingCustomerStarted r => r.Reason,
                    TicketEscalated r => r.Reason,
                    DelayExplained r => r.Reason,
                    QualityInspected r => r.Notes,
                    _ => null,
                });
            }
        }

        var all = string.Concat(texts);
        Assert.DoesNotContain(Secrets, s => all.Contains(s, StringComparison.Ordinal));
        Assert.Contains(PersonalDataErased.Placeholder, all, StringComparison.Ordinal);
        Assert.Equal(ControlName, (await service.GetAsync(Control)).Intake!.CustomerName);
    }

    private static async Task LifeAsync(TicketService service, TicketId id, string name, string phone, string address, string number, string description, string solution, string suggestions, string comment, string[] notes)
    {
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake
            {
                CustomerName = name, Contact = phone, Address = address, CustomerNumber = number, ProductModel = "Phone Pro",
                ReceivedAt = Start, Description = description, CustomerExpectation = "尽快", Owner = "agent",
            },
        });
        foreach (var command in new TicketCommand[]
        {
            new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment(), RootCauseAnalysis = notes[0], ImpactScopeDescription = notes[1] },
            new RecordAnalysis { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", RootCauseAnalysis = notes[2] },
            new OverridePriority { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Priority = Priority.P0, Reason = notes[3] },
            new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "agent-2" },
            new ReassignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "agent", Reason = notes[4] },
            new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent" },
            new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Summary = "已联系" + name },
            new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Reason = notes[5] },
            new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent" },
            new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Level = 1, Reason = notes[6] },
            new ExplainDelay { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Reason = notes[7], CustomerInformed = true },
            new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Solution = solution },
            new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Method = RevisitMethod.Phone, Resolved = true, Score = 5, Suggestions = suggestions },
            new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent" },
            new RecordInspection { TicketId = id, CommandId = Guid.NewGuid(), Actor = "inspector", Accurate = true, Notes = notes[8] },
            new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new SurveyAnswers { Satisfaction = 5, Suggestion = comment } },
        })
        {
            await service.ExecuteAsync(command);
        }
    }
}
