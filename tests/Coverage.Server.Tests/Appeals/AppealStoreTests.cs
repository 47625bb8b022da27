using Coverage.Engine.Model;

namespace Coverage.Server.Tests.Appeals;

/// <summary>
/// Appeals on a real database: a case of its own linked to the original, the appeal clock, decided only by a
/// physician who neither made the original decision nor reports to the one who did, its result and notice facts,
/// the filing window, peer-to-peer and external review; every step audited.
/// </summary>
public abstract class AppealStoreTests<TStorage>(TStorage storage) : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private readonly AppealStore _store = new(storage);

    public Task InitializeAsync() => _store.MigrateAsync();

    public async Task DisposeAsync() => await _store.CloseAsync();

    private async Task<CaseView> Denied(string plan = AppealStore.Erisa)
    {
        var submitted = await _store.Submit(plan);
        _store.Advance(TimeSpan.FromDays(1));
        return await _store.Decided(submitted.Id, AppealStore.DrAda, DecisionActions.Uphold);
    }

    [Fact]
    public async Task Appeal_OverturnedByAnotherPhysician_ApprovesTheRequest_AuditedOnBothCases()
    {
        var original = await Denied();
        _store.Advance(TimeSpan.FromDays(20));

        var filed = await _store.Appeal(original.Id, AppealStore.Clinic, AppealFilers.Provider);
        Assert.True(filed.Created);
        var appeal = filed.Value!;
        Assert.NotEqual(original.Id, appeal.Id);
        Assert.Equal(original.Id, appeal.Appeal!.Of);
        Assert.Equal(AppealFilers.Provider, appeal.Appeal.FiledBy);
        Assert.Equal([1], appeal.Appeal.Lines);
        Assert.Equal(CaseStatus.PendingPhysicianReview, appeal.Status);
        Assert.Equal(original.DeterminationJson, appeal.DeterminationJson);
        Assert.Equal(AppealStore.Start.UtcDateTime.AddDays(21 + 30), appeal.DueAt);

        _store.Advance(TimeSpan.FromDays(3));
        Assert.Null((await _store.Run(s => s.RecordPeerToPeerAsync(appeal.Id,
            new PeerToPeerSubmission("Dr. Referring, breast surgery", AppealStore.Clock0.AddDays(23), "Discussed tumour size and focality."), AppealStore.DrBea, CancellationToken.None))).Error);
        var decided = await _store.Decided(appeal.Id, AppealStore.DrBea, DecisionActions.Overturn);

        Assert.Equal(CaseStatus.Final, decided.Status);
        Assert.Equal(AppealResults.Overturned, decided.Appeal!.Result);
        Assert.Equal("covered", decided.FinalOutcome);
        Assert.Equal("Dr. Referring, breast surgery", decided.PeerToPeer!.With);
        Assert.Equal("dr-bea", decided.PeerToPeer.By);
        var onAppeal = await _store.Audit(appeal.Id);
        Assert.Contains(onAppeal, e => e.Action == "appeal-filed" && e.Actor == "clinic-system");
        Assert.Contains(onAppeal, e => e.Action == "peer-to-peer-recorded" && e.Actor == "dr-bea");
        Assert.Contains(onAppeal, e => e.Action == "appeal-decided" && e.Actor == "dr-bea" && e.Detail.Contains("overturned", StringComparison.Ordinal));
        var onOriginal = await _store.Audit(original.Id);
        Assert.Contains(onOriginal, e => e.Action == "appealed");
        Assert.Contains(onOriginal, e => e.Action == "appeal-decided");
        // The original keeps its own decision: the appeal is a case of its own.
        var originalNow = (await _store.Run(s => s.GetAsync(original.Id, AppealStore.Staff, CancellationToken.None))).Value!;
        Assert.Equal("not-covered", originalNow.FinalOutcome);
    }

    [Fact]
    public async Task Appeal_RefusedWhenTheSamePhysicianOrASubordinateTriesToDecideIt()
    {
        var original = await Denied();
        var appeal = (await _store.Appeal(original.Id, AppealStore.Staff)).Value!;

        var same = await _store.Decide(appeal.Id, AppealStore.DrAda, DecisionActions.Overturn);
        var subordinate = await _store.Decide(appeal.Id, AppealStore.DrJunior, DecisionActions.Overturn);
        var nurse = await _store.Decide(appeal.Id, AppealStore.Staff, DecisionActions.Overturn);

        Assert.Equal(StoreErrorKind.Forbidden, same.Error!.Kind);
        Assert.Contains("dr-ada decided the determination", same.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Forbidden, subordinate.Error!.Kind);
        Assert.Contains("reports to dr-ada", subordinate.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Forbidden, nurse.Error!.Kind);
        var stored = (await _store.Run(s => s.GetAsync(appeal.Id, AppealStore.Staff, CancellationToken.None))).Value!;
        Assert.Equal(CaseStatus.PendingPhysicianReview, stored.Status);
        Assert.Empty(stored.Decisions);
        Assert.Equal(2, (await _store.Audit(appeal.Id)).Count(e => e.Action == "appeal-decision-refused"));
    }

    [Fact]
    public async Task Appeal_Upheld_ThenExternalReviewRequestedAndRecorded()
    {
        var original = await Denied();
        var appeal = (await _store.Appeal(original.Id, AppealStore.Staff, priority: RequestPriority.Expedited)).Value!;
        Assert.Equal(appeal.ReceivedAt.AddHours(72), appeal.DueAt);
        var decided = await _store.Decided(appeal.Id, AppealStore.DrBea, DecisionActions.Uphold);
        Assert.Equal(AppealResults.Upheld, decided.Appeal!.Result);
        Assert.Equal("not-covered", decided.FinalOutcome);

        var tooEarly = await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id, new ExternalReviewSubmission("IRO One", AppealResults.Overturned), AppealStore.Staff, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Conflict, tooEarly.Error!.Kind);
        var requested = await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id, new ExternalReviewSubmission("IRO One"), AppealStore.Staff, CancellationToken.None));
        var result = await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id, new ExternalReviewSubmission("IRO One", AppealResults.Overturned, "The criteria are met."), AppealStore.Staff, CancellationToken.None));

        Assert.Null(requested.Error);
        Assert.Null(result.Error);
        Assert.Equal("IRO One", result.Value!.Appeal!.ExternalReviewOrganisation);
        Assert.Equal(AppealResults.Overturned, result.Value.Appeal.ExternalReviewResult);
        var audit = await _store.Audit(appeal.Id);
        Assert.Contains(audit, e => e.Action == "external-review-requested");
        Assert.Contains(audit, e => e.Action == "external-review-decided" && e.Detail.Contains("The criteria are met.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExternalReview_Overturned_CoversTheLine_AndIsEffectuatedOnTheAppeal()
    {
        var original = await Denied();
        var appeal = (await _store.Appeal(original.Id, AppealStore.Staff)).Value!;
        await _store.Decided(appeal.Id, AppealStore.DrBea, DecisionActions.Uphold);
        await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id, new ExternalReviewSubmission("IRO One"), AppealStore.Staff, CancellationToken.None));
        _store.Advance(TimeSpan.FromDays(30));

        var lines = await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id,
            new ExternalReviewSubmission("IRO One", AppealResults.Overturned, Lines: [1]), AppealStore.Staff, CancellationToken.None));
        var reversed = await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id,
            new ExternalReviewSubmission("IRO One", AppealResults.Overturned, "Medically necessary."), AppealStore.Staff, CancellationToken.None));

        Assert.Equal(StoreErrorKind.Invalid, lines.Error!.Kind);
        Assert.Equal("lines", Assert.Single(lines.Error.Fields!).Field);
        var effectuated = reversed.Value!;
        Assert.Equal([1], effectuated.Appeal!.ExternalReviewOverturnedLines);
        Assert.Equal("covered", effectuated.FinalOutcome);
        Assert.Equal(AppealResults.Upheld, effectuated.Appeal.Result); // the appeal's own result stays what its physician decided
        var stored = (await _store.Run(s => s.GetAsync(appeal.Id, AppealStore.Staff, CancellationToken.None))).Value!;
        Assert.Equal("covered", stored.FinalOutcome);
        Assert.Contains(await _store.Audit(appeal.Id), e => e.Action == "external-review-effectuated" && e.Actor == "um-staff" && e.Detail.StartsWith("Line 1 covered", StringComparison.Ordinal));
        Assert.Contains(await _store.Audit(original.Id), e => e.Action == "external-review-effectuated");
    }

    [Fact]
    public async Task ExternalReview_Upheld_ChangesNothing()
    {
        var original = await Denied();
        var appeal = (await _store.Appeal(original.Id, AppealStore.Staff)).Value!;
        await _store.Decided(appeal.Id, AppealStore.DrBea, DecisionActions.Uphold);
        await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id, new ExternalReviewSubmission("IRO One"), AppealStore.Staff, CancellationToken.None));

        var upheld = (await _store.Run(s => s.RecordExternalReviewAsync(appeal.Id, new ExternalReviewSubmission("IRO One", AppealResults.Upheld), AppealStore.Staff, CancellationToken.None))).Value!;

        Assert.Equal("not-covered", upheld.FinalOutcome);
        Assert.Empty(upheld.Appeal!.ExternalReviewOverturnedLines!);
        Assert.DoesNotContain(await _store.Audit(appeal.Id), e => e.Action == "external-review-effectuated");
    }

    [Fact]
    public async Task Appeal_RefusedOutsideItsWindow_OfAnOpenCase_OfAnApproval_AndTwiceAtOnce()
    {
        var medicare = await Denied(AppealStore.MedicareAdvantage);
        var open = await _store.Submit(AppealStore.Erisa);
        var approved = await _store.Submit(AppealStore.Erisa);
        await _store.Decided(approved.Id, AppealStore.DrAda, DecisionActions.Overturn);
        var denied = await Denied();

        Assert.Equal(StoreErrorKind.Conflict, (await _store.Appeal(open.Id, AppealStore.Staff)).Error!.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, (await _store.Appeal(approved.Id, AppealStore.Staff)).Error!.Kind);
        Assert.Null((await _store.Appeal(denied.Id, AppealStore.Staff)).Error);
        Assert.Equal(StoreErrorKind.Conflict, (await _store.Appeal(denied.Id, AppealStore.Staff)).Error!.Kind);
        // A provider's system cannot file as the member.
        Assert.Equal(StoreErrorKind.Forbidden, (await _store.Appeal(denied.Id, AppealStore.Clinic, AppealFilers.Member)).Error!.Kind);

        _store.Advance(TimeSpan.FromDays(66)); // the Medicare Advantage plan's window is 65 days
        var late = await _store.Appeal(medicare.Id, AppealStore.Staff);
        Assert.Equal(StoreErrorKind.Unprocessable, late.Error!.Kind);
        Assert.Contains("filing window", late.Error.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteAppealStoreTests(SqliteStorage storage) : AppealStoreTests<SqliteStorage>(storage);

public sealed class PostgresAppealStoreTests(PostgresStorage storage) : AppealStoreTests<PostgresStorage>(storage);
