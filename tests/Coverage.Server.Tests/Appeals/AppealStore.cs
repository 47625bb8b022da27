using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Appeals;

/// <summary>
/// The case store on a real database with a clock the test moves, on the catalogue whose plans name their line of
/// business (catalogues/lines-of-business): each command runs in a scope of its own, as a request would.
/// </summary>
public sealed class AppealStore
{
    public static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "lines-of-business"));
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTime Clock0 = Start.UtcDateTime;

    public const string MedicareAdvantage = "example-medicare-advantage";
    public const string Erisa = "example-erisa-group";
    public const string Standard = "standard";

    public static readonly Caller Clinic = new(new Actor("clinic-system", "submitter"), "clinic-a", CallerAccess.Submitter);
    public static readonly Caller Staff = new(new Actor("um-staff", "nurse"), "payer", CallerAccess.PayerStaff, new Reviewer("um-staff", "Una Staff", ReviewerRoles.Nurse));
    public static readonly Caller DrAda = Physician("dr-ada", "Dr. Ada");
    /// <summary>Reports to Dr. Ada: may not decide an appeal of her decision.</summary>
    public static readonly Caller DrJunior = Physician("dr-junior", "Dr. Junior", ["dr-ada"]);
    public static readonly Caller DrBea = Physician("dr-bea", "Dr. Bea", ["dr-chief"]);

    private readonly ServiceProvider _services;
    private int _requests;

    public AppealStore(Storage storage)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(new Evaluator(Catalogue, Clock));
        services.AddLogging();
        services.AddCaseStore(storage.Provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, storage.ConnectionString);
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public static Caller Physician(string id, string name, IReadOnlyList<string>? managers = null) =>
        new(new Actor(id, ReviewerRoles.Physician), "payer", CallerAccess.PayerStaff, new Reviewer(id, name, ReviewerRoles.Physician, managers));

    public async Task MigrateAsync()
    {
        using var scope = _services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
    }

    /// <summary>Closes the store's services (the test class's DisposeAsync calls it).</summary>
    public ValueTask CloseAsync() => _services.DisposeAsync();

    /// <summary>Runs <paramref name="action"/> on the case service of a scope of its own.</summary>
    public async Task<T> Run<T>(Func<CaseService, Task<T>> action)
    {
        using var scope = _services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<CaseService>());
    }

    /// <summary>The 0540 cryoablation request (an adverse medical-necessity recommendation) under a plan, urgency and member risk factors.</summary>
    public static CoverageRequest Request(string plan, RequestPriority priority, string requestId, params string[] riskFactors)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(CoverageApp.RepositoryRoot, "samples", "cryoablation-prior-auth.json")))!.AsObject();
        json["requestId"] = requestId;
        json["priority"] = priority.ToWire();
        json["member"]!["planId"] = plan;
        if (riskFactors.Length > 0) json["member"]!["socialRiskFactors"] = new JsonArray([.. riskFactors.Select(f => JsonValue.Create(f))]);
        var read = RequestReader.Read(json.ToJsonString(), Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return read.Request!;
    }

    public async Task<CaseView> Submit(string plan, RequestPriority priority = RequestPriority.Standard, params string[] riskFactors)
    {
        var result = await Run(s => s.SubmitAsync(Request(plan, priority, $"REQ-{Interlocked.Increment(ref _requests)}-{Guid.NewGuid():N}", riskFactors), Clinic, CancellationToken.None));
        Assert.Null(result.Error);
        return result.Value!;
    }

    public async Task<StoreResult<CaseView>> Decide(Guid id, Caller physician, string action) =>
        await Run(s => s.DecideAsync(id, new DecisionSubmission([new LineDecisionInput(1, action, $"{action}: reviewed the records against policy 0540.")]), physician, CancellationToken.None));

    public async Task<CaseView> Decided(Guid id, Caller physician, string action)
    {
        var result = await Decide(id, physician, action);
        Assert.Null(result.Error);
        return result.Value!;
    }

    public Task<StoreResult<CaseView>> Appeal(Guid id, Caller caller, string filedBy = AppealFilers.Member, RequestPriority priority = RequestPriority.Standard) =>
        Run(s => s.FileAppealAsync(id, new AppealSubmission(filedBy, "The tumour is 1.2 cm and unifocal; the member asks for the criteria to be reconsidered.", priority), caller, CancellationToken.None));

    public async Task<IReadOnlyList<AuditEventView>> Audit(Guid id) => (await Run(s => s.GetAuditAsync(id, Staff, CancellationToken.None))).Value!;

    public void Advance(TimeSpan by) => Clock.Advance(by);
}
