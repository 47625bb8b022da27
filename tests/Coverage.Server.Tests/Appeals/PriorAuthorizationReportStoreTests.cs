using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Server.Tests.Appeals;

/// <summary>
/// The CMS-0057-F metrics of a seeded period on a real database, against values computed by hand (see each assertion),
/// stratified by social risk factor; running the same past period again after later decisions and appeals gives the
/// same report. The tests of a class share a database: each seeds a month of its own.
/// </summary>
public abstract class PriorAuthorizationReportStoreTests<TStorage>(TStorage storage) : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private readonly AppealStore _store = new(storage);
    private static readonly DateTime January = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime March = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private DateTime _from = January;

    private DateTime From => _from;
    private DateTime To => _from.AddMonths(1);

    public Task InitializeAsync() => _store.MigrateAsync();

    public async Task DisposeAsync() => await _store.CloseAsync();

    private Task<StoreResult<PriorAuthorizationReport>> Report() => _store.Run(s => s.ReportAsync(From, To, AppealStore.Staff, CancellationToken.None));

    /// <summary>The seed's start: the 5th of the month at 09:00 UTC.</summary>
    private DateTimeOffset Start => new DateTimeOffset(_from).AddDays(4).AddHours(9);

    private void At(double hours) => _store.Clock.SetUtcNow(Start.AddHours(hours));

    /// <summary>
    /// Received on the 5th of the month at 09:00 UTC. Standard: S1 denied at 24 h; S2 (dual eligible) approved at 48 h;
    /// S4 denied at 72 h, then approved on appeal at 120 h; S3 (disability) extended at 50 h and approved at 100 h; S5
    /// undecided in the month. Expedited: E1 (low-income subsidy) approved at 10 h; E2 denied at 20 h.
    /// </summary>
    private async Task<(CaseView S1, CaseView S5)> Seed(DateTime month)
    {
        _from = month;
        At(0);
        var s1 = await _store.Submit(AppealStore.MedicareAdvantage);
        var s2 = await _store.Submit(AppealStore.MedicareAdvantage, RequestPriority.Standard, SocialRiskFactors.DualEligible);
        var s3 = await _store.Submit(AppealStore.Erisa, RequestPriority.Standard, SocialRiskFactors.Disability);
        var s4 = await _store.Submit(AppealStore.Erisa);
        var s5 = await _store.Submit(AppealStore.Erisa);
        var e1 = await _store.Submit(AppealStore.MedicareAdvantage, RequestPriority.Expedited, SocialRiskFactors.LowIncomeSubsidy);
        var e2 = await _store.Submit(AppealStore.Erisa, RequestPriority.Expedited);

        At(10); await _store.Decided(e1.Id, AppealStore.DrAda, DecisionActions.Overturn);
        At(20); await _store.Decided(e2.Id, AppealStore.DrAda, DecisionActions.Uphold);
        At(24); await _store.Decided(s1.Id, AppealStore.DrAda, DecisionActions.Uphold);
        At(48); await _store.Decided(s2.Id, AppealStore.DrAda, DecisionActions.Overturn);
        At(50); Assert.Null((await _store.Run(s => s.ExtendAsync(s3.Id, new ExtensionSubmission(15, "Records needed."), AppealStore.DrAda, CancellationToken.None))).Error);
        At(72); await _store.Decided(s4.Id, AppealStore.DrAda, DecisionActions.Uphold);
        At(100); await _store.Decided(s3.Id, AppealStore.DrAda, DecisionActions.Overturn);
        At(110); var appeal = (await _store.Appeal(s4.Id, AppealStore.Staff)).Value!;
        At(120); await _store.Decided(appeal.Id, AppealStore.DrBea, DecisionActions.Overturn);
        return (s1, s5);
    }

    [Fact]
    public async Task Report_SeededPeriod_HandComputedValues()
    {
        await Seed(January);
        var report = (await Report()).Value!;

        var all = report.Strata.Single(s => s.Stratum == "all");
        // Standard: 5 requests, 4 decided (S1, S2, S3, S4), 1 pending (S5); approved S2 S3, denied S1 S4; S4 approved on
        // appeal, S3 after its extension. Hours 24, 48, 72, 100: average 244 / 4 = 61; median (48 + 72) / 2 = 60.
        Assert.Equal(new PriorityMetrics(5, 4, 1, 0, 2, 2, 0, 1, 1, 50m, 50m, 25m, 25m, 61, 60), all.Standard);
        // Expedited: E1 approved at 10 h, E2 denied at 20 h: average and median 15.
        Assert.Equal(new PriorityMetrics(2, 2, 0, 0, 1, 1, 0, 0, 0, 50m, 50m, 0m, 0m, 15, 15), all.Expedited);

        var with = report.Strata.Single(s => s.Stratum == "with-social-risk-factor");
        // S2 (48 h) and S3 (100 h): both approved, S3 after extension; average and median 74.
        Assert.Equal(new PriorityMetrics(2, 2, 0, 0, 2, 0, 0, 0, 1, 100m, 0m, 0m, 50m, 74, 74), with.Standard);
        Assert.Equal(new PriorityMetrics(1, 1, 0, 0, 1, 0, 0, 0, 0, 100m, 0m, 0m, 0m, 10, 10), with.Expedited);
        var without = report.Strata.Single(s => s.Stratum == "without-social-risk-factor");
        // S1 (24 h), S4 (72 h) denied, S4 approved on appeal; S5 pending: average and median 48.
        Assert.Equal(new PriorityMetrics(3, 2, 1, 0, 0, 2, 0, 1, 0, 0m, 100m, 50m, 0m, 48, 48), without.Standard);
        Assert.Equal(new PriorityMetrics(1, 1, 0, 0, 0, 1, 0, 0, 0, 0m, 100m, 0m, 0m, 20, 20), without.Expedited);
        Assert.Equal(1, report.Strata.Single(s => s.Stratum == SocialRiskFactors.DualEligible).Standard.Approved);
        Assert.Equal(1, report.Strata.Single(s => s.Stratum == SocialRiskFactors.LowIncomeSubsidy).Expedited.Approved);
        Assert.Equal(1, report.Strata.Single(s => s.Stratum == SocialRiskFactors.Disability).Standard.ApprovedAfterExtension);
        Assert.Equal(0, report.Strata.Single(s => s.Stratum == SocialRiskFactors.Disability).Expedited.Requests);

        Assert.Contains(report.ItemsRequiringPriorAuthorization, i => i.Code == "0581T" && i.PolicyId == "0540");
    }

    [Fact]
    public async Task Report_PastPeriodRunAgainLater_GivesTheSameNumbers()
    {
        var (s1, s5) = await Seed(March);
        var first = JsonSerializer.Serialize((await Report()).Value);

        // April: S5 is decided, S1 is appealed and overturned, a new request arrives. None of it is March's.
        _store.Clock.SetUtcNow(new DateTimeOffset(To).AddDays(1));
        await _store.Decided(s5.Id, AppealStore.DrAda, DecisionActions.Overturn);
        var appeal = (await _store.Appeal(s1.Id, AppealStore.Staff)).Value!;
        await _store.Decided(appeal.Id, AppealStore.DrBea, DecisionActions.Overturn);
        await _store.Submit(AppealStore.Erisa);
        var again = JsonSerializer.Serialize((await Report()).Value);

        Assert.Equal(first, again);
        var april = (await _store.Run(s => s.ReportAsync(To, To.AddMonths(1), AppealStore.Staff, CancellationToken.None))).Value!;
        Assert.Equal(1, april.Strata[0].Standard.Requests);
    }

    [Fact]
    public async Task Report_OfOneReportingUnit_CountsOnlyItsRequests()
    {
        await Seed(new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        var medicare = (await _store.Run(s => s.ReportAsync(From, To, new ReportScope(LineOfBusiness: LinesOfBusiness.MedicareAdvantage), AppealStore.Staff, CancellationToken.None))).Value!;
        var erisaPlan = (await _store.Run(s => s.ReportAsync(From, To, new ReportScope(PlanId: AppealStore.Erisa), AppealStore.Staff, CancellationToken.None))).Value!;
        var neither = (await _store.Run(s => s.ReportAsync(From, To, new ReportScope(LinesOfBusiness.MedicareAdvantage, AppealStore.Erisa), AppealStore.Staff, CancellationToken.None))).Value!;

        // Medicare Advantage: S1 denied at 24 h, S2 approved at 48 h (average and median 36); E1 approved at 10 h.
        Assert.Equal(LinesOfBusiness.MedicareAdvantage, medicare.LineOfBusiness);
        Assert.Equal(new PriorityMetrics(2, 2, 0, 0, 1, 1, 0, 0, 0, 50m, 50m, 0m, 0m, 36, 36), medicare.Strata[0].Standard);
        Assert.Equal(new PriorityMetrics(1, 1, 0, 0, 1, 0, 0, 0, 0, 100m, 0m, 0m, 0m, 10, 10), medicare.Strata[0].Expedited);
        // The ERISA plan: S3 approved after its extension at 100 h, S4 denied at 72 h then approved on appeal, S5
        // pending (average and median 86); E2 denied at 20 h.
        Assert.Equal(AppealStore.Erisa, erisaPlan.PlanId);
        Assert.Equal(new PriorityMetrics(3, 2, 1, 0, 1, 1, 0, 1, 1, 50m, 50m, 50m, 50m, 86, 86), erisaPlan.Strata[0].Standard);
        Assert.Equal(new PriorityMetrics(1, 1, 0, 0, 0, 1, 0, 0, 0, 0m, 100m, 0m, 0m, 20, 20), erisaPlan.Strata[0].Expedited);
        Assert.Equal(0, neither.Strata[0].Standard.Requests + neither.Strata[0].Expedited.Requests);

        var unknown = await _store.Run(s => s.ReportAsync(From, To, new ReportScope("hmo", "no-such-plan"), AppealStore.Staff, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Invalid, unknown.Error!.Kind);
        Assert.Equal(["lineOfBusiness", "plan"], unknown.Error.Fields!.Select(f => f.Field));
    }

    [Fact]
    public async Task Report_OnlyPayerStaff_AndAPeriodThatEndsAfterItStarts()
    {
        var byClinic = await _store.Run(s => s.ReportAsync(From, To, AppealStore.Clinic, CancellationToken.None));
        var empty = await _store.Run(s => s.ReportAsync(To, From, AppealStore.Staff, CancellationToken.None));

        Assert.Equal(StoreErrorKind.Forbidden, byClinic.Error!.Kind);
        Assert.Equal(StoreErrorKind.Invalid, empty.Error!.Kind);
        Assert.Equal("to", empty.Error.Fields![0].Field);
    }
}

public sealed class SqlitePriorAuthorizationReportStoreTests(SqliteStorage storage) : PriorAuthorizationReportStoreTests<SqliteStorage>(storage);

public sealed class PostgresPriorAuthorizationReportStoreTests(PostgresStorage storage) : PriorAuthorizationReportStoreTests<PostgresStorage>(storage);
