using Coverage.Engine.Model;

namespace Coverage.Server.Tests.Appeals;

/// <summary>
/// Decision clocks on a real database with a controllable clock: the due time the plan's line of business sets,
/// decisions on time and late, the overdue alert of the queue, one extension where the rules allow it (audited,
/// with its notice), and the clock standing still while an ERISA case waits for information.
/// </summary>
public abstract class DecisionClockStoreTests<TStorage>(TStorage storage) : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private readonly AppealStore _store = new(storage);

    public Task InitializeAsync() => _store.MigrateAsync();

    public async Task DisposeAsync() => await _store.CloseAsync();

    private static readonly DateTime Start = AppealStore.Start.UtcDateTime;

    [Fact]
    public async Task Standard_MedicareAdvantage_DueInSevenDays_DecidedOnTime()
    {
        var submitted = await _store.Submit(AppealStore.MedicareAdvantage);
        Assert.Equal(Start.AddDays(7), submitted.DueAt);
        Assert.Equal("medicare-advantage", submitted.LineOfBusiness);

        _store.Advance(TimeSpan.FromDays(6));
        var decided = await _store.Decided(submitted.Id, AppealStore.DrAda, DecisionActions.Uphold);

        Assert.Equal(Start.AddDays(6), decided.FirstDecidedAt);
        Assert.True(decided.DecidedOnTime);
    }

    [Fact]
    public async Task Standard_Erisa_DueInFifteenDays_DecidedLate_ShownOverdueBefore()
    {
        var submitted = await _store.Submit(AppealStore.Erisa);
        Assert.Equal(Start.AddDays(15), submitted.DueAt);

        _store.Advance(TimeSpan.FromDays(15) + TimeSpan.FromMinutes(1));
        var queue = await _store.Run(s => s.ListAsync(new CaseQuery { Order = CaseOrder.DueAt, PageSize = 100 }, AppealStore.Staff, CancellationToken.None));
        Assert.True(queue.Value!.Items.Single(c => c.CaseId == submitted.Id).Overdue);

        var decided = await _store.Decided(submitted.Id, AppealStore.DrAda, DecisionActions.Overturn);
        Assert.False(decided.DecidedOnTime);
        var after = await _store.Run(s => s.ListAsync(new CaseQuery { PageSize = 100 }, AppealStore.Staff, CancellationToken.None));
        Assert.False(after.Value!.Items.Single(c => c.CaseId == submitted.Id).Overdue);
    }

    [Fact]
    public async Task Expedited_DueIn72Hours_OnTimeAt71_LateAt73()
    {
        var onTime = await _store.Submit(AppealStore.MedicareAdvantage, RequestPriority.Expedited);
        var late = await _store.Submit(AppealStore.Erisa, RequestPriority.Expedited);
        Assert.Equal(Start.AddHours(72), onTime.DueAt);
        Assert.Equal(Start.AddHours(72), late.DueAt);

        _store.Advance(TimeSpan.FromHours(71));
        Assert.True((await _store.Decided(onTime.Id, AppealStore.DrAda, DecisionActions.Uphold)).DecidedOnTime);
        _store.Advance(TimeSpan.FromHours(2));
        Assert.False((await _store.Decided(late.Id, AppealStore.DrAda, DecisionActions.Uphold)).DecidedOnTime);
    }

    [Fact]
    public async Task Extension_Erisa_MovesTheDueTimeOnce_AuditedWithItsNotice()
    {
        var submitted = await _store.Submit(AppealStore.Erisa);
        _store.Advance(TimeSpan.FromDays(10));

        var extended = await _store.Run(s => s.ExtendAsync(submitted.Id, new ExtensionSubmission(15, "The oncology records from the referring clinic are needed."), AppealStore.DrAda, CancellationToken.None));

        Assert.Null(extended.Error);
        Assert.Equal(Start.AddDays(30), extended.Value!.DueAt);
        Assert.Equal(Start.AddDays(10), extended.Value.ExtendedAt);
        var audit = await _store.Audit(submitted.Id);
        Assert.Contains(audit, e => e.Action == "clock-extended" && e.Actor == "dr-ada" && e.Detail.Contains("2560.503-1(f)(2)(iii)(A)", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "extension-notice" && e.Detail.Contains("oncology records", StringComparison.Ordinal) && e.Detail.Contains("2026-02-04", StringComparison.Ordinal));

        var again = await _store.Run(s => s.ExtendAsync(submitted.Id, new ExtensionSubmission(1, "More time."), AppealStore.DrAda, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Conflict, again.Error!.Kind);

        _store.Advance(TimeSpan.FromDays(16));
        Assert.True((await _store.Decided(submitted.Id, AppealStore.DrAda, DecisionActions.Overturn)).DecidedOnTime);
    }

    [Fact]
    public async Task Extension_RefusedWhereTheRulesAllowNone_TooLong_OrAfterTheDueTime()
    {
        var urgentErisa = await _store.Submit(AppealStore.Erisa, RequestPriority.Expedited);
        var unspecified = await _store.Submit(AppealStore.Standard);
        var medicare = await _store.Submit(AppealStore.MedicareAdvantage);

        var noExtension = await _store.Run(s => s.ExtendAsync(urgentErisa.Id, new ExtensionSubmission(1, "More time."), AppealStore.DrAda, CancellationToken.None));
        var none = await _store.Run(s => s.ExtendAsync(unspecified.Id, new ExtensionSubmission(1, "More time."), AppealStore.DrAda, CancellationToken.None));
        var tooLong = await _store.Run(s => s.ExtendAsync(medicare.Id, new ExtensionSubmission(15, "More time."), AppealStore.DrAda, CancellationToken.None));
        var byClient = await _store.Run(s => s.ExtendAsync(medicare.Id, new ExtensionSubmission(14, "More time."), AppealStore.Clinic, CancellationToken.None));
        _store.Advance(TimeSpan.FromDays(8));
        var late = await _store.Run(s => s.ExtendAsync(medicare.Id, new ExtensionSubmission(14, "More time."), AppealStore.DrAda, CancellationToken.None));

        Assert.Equal(StoreErrorKind.Unprocessable, noExtension.Error!.Kind);
        Assert.Contains("no extension", noExtension.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Unprocessable, none.Error!.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, tooLong.Error!.Kind);
        Assert.Contains("at most 14 days", tooLong.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Forbidden, byClient.Error!.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, late.Error!.Kind);
    }

    [Fact]
    public async Task Information_Erisa_ClockStandsStillWhileWaiting_MedicareKeepsRunning()
    {
        var erisa = await _store.Submit(AppealStore.Erisa);
        var medicare = await _store.Submit(AppealStore.MedicareAdvantage);
        _store.Advance(TimeSpan.FromDays(2));
        foreach (var id in new[] { erisa.Id, medicare.Id })
            Assert.Null((await _store.Run(s => s.RequestInformationAsync(id, new InformationRequestSubmission("The pathology report."), AppealStore.DrAda, CancellationToken.None))).Error);

        _store.Advance(TimeSpan.FromDays(3));
        var information = System.Text.Json.Nodes.JsonNode.Parse("""{"diagnoses": ["Z80.3"]}""")!.AsObject();
        var erisaAfter = await _store.Run(s => s.AddInformationAsync(erisa.Id, (System.Text.Json.Nodes.JsonObject)information.DeepClone(), AppealStore.Clinic, CancellationToken.None));
        var medicareAfter = await _store.Run(s => s.AddInformationAsync(medicare.Id, (System.Text.Json.Nodes.JsonObject)information.DeepClone(), AppealStore.Clinic, CancellationToken.None));

        Assert.Null(erisaAfter.Error);
        Assert.Equal(Start.AddDays(18), erisaAfter.Value!.DueAt);
        Assert.Null(erisaAfter.Value.ClockPausedAt);
        Assert.Equal(Start.AddDays(7), medicareAfter.Value!.DueAt);
        var audit = await _store.Audit(erisa.Id);
        Assert.Contains(audit, e => e.Action == "clock-paused" && e.Detail.Contains("2560.503-1(f)(4)", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "clock-resumed" && e.Detail.Contains("72 hours", StringComparison.Ordinal));
        Assert.DoesNotContain(await _store.Audit(medicare.Id), e => e.Action == "clock-paused");
    }
}

public sealed class SqliteDecisionClockStoreTests(SqliteStorage storage) : DecisionClockStoreTests<SqliteStorage>(storage);

public sealed class PostgresDecisionClockStoreTests(PostgresStorage storage) : DecisionClockStoreTests<PostgresStorage>(storage);
