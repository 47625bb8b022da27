using Coverage.Engine.Model;
using Coverage.Server.Tests.Appeals;
using Coverage.Store;
using Coverage.Store.Queries;

namespace Coverage.Server.Tests;

/// <summary>
/// The cases a PAS inquiry names (CaseService.FindForInquiryAsync), on SQLite and a real PostgreSQL: every request
/// under a Claim identifier the provider used for more than one request, up to the cap — and beyond it the latest.
/// </summary>
public abstract class FindForInquiryTests<TStorage>(TStorage storage) : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private readonly AppealStore _store = new(storage);

    public Task InitializeAsync() => _store.MigrateAsync();

    public async Task DisposeAsync() => await _store.CloseAsync();

    /// <summary>Another request under <paramref name="requestId"/>, a second later than the last: its line described as <paramref name="text"/>.</summary>
    private async Task<CaseView> SubmitUnder(string requestId, string text)
    {
        _store.Clock.Advance(TimeSpan.FromSeconds(1));
        var request = AppealStore.Request(AppealStore.Standard, RequestPriority.Standard, requestId);
        request = request with { ServiceLines = [.. request.ServiceLines.Select(l => l with { Description = text })] };
        var submitted = await _store.Run(cases => cases.SubmitAsync(request, AppealStore.Clinic, CancellationToken.None, usedIds: UsedRequestIds.NewRequest));
        Assert.True(submitted.Created, submitted.Error?.Message);
        return submitted.Value!;
    }

    private Task<StoreResult<IReadOnlyList<CaseView>>> Inquire(string memberKey, params string[] requestIds) =>
        _store.Run(cases => cases.FindForInquiryAsync(memberKey, requestIds, [], _ => true, AppealStore.Clinic, CancellationToken.None));

    [Fact]
    public async Task EveryRequestUnderTheIdentifier_IsFound_OldestFirst()
    {
        var submitted = new List<CaseView>();
        for (var n = 0; n < 3; n++) submitted.Add(await SubmitUnder("FEW-1", $"request {n}"));

        var found = await Inquire(submitted[0].MemberId!, "FEW-1");

        Assert.Equal(submitted.Select(c => c.Id), found.Value!.Select(c => c.Id));
    }

    [Fact]
    public async Task BeyondTheCap_TheLatestRequestsAreTheOnesAnswered()
    {
        var submitted = new List<CaseView>();
        for (var n = 0; n < FindForInquiry.MaxCandidates + 2; n++) submitted.Add(await SubmitUnder("MANY-1", $"request {n}"));

        var found = await Inquire(submitted[0].MemberId!, "MANY-1");

        Assert.Equal(submitted.Skip(2).Select(c => c.Id), found.Value!.Select(c => c.Id));
    }
}

public sealed class SqliteFindForInquiryTests(SqliteStorage storage) : FindForInquiryTests<SqliteStorage>(storage);

public sealed class PostgresFindForInquiryTests(PostgresStorage storage) : FindForInquiryTests<PostgresStorage>(storage);
