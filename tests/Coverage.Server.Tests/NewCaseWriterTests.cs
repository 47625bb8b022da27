using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// New cases are group-committed (<see cref="NewCaseWriter"/>), on SQLite and on a real PostgreSQL: every submission
/// answered is stored once with its creation's audit event, however many arrive together, and the one submission
/// the store refuses — the second of two racing submissions of one request id — fails alone and is answered with
/// the winner's case, while the submissions committed beside it are all written.
/// </summary>
public abstract class NewCaseWriterTests<TStorage> : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(CoverageApp.RepositoryRoot);
    private static readonly string Sample = File.ReadAllText(Path.Combine(CoverageApp.RepositoryRoot, "samples", "cryoablation-prior-auth.json"));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly Caller _submitter = new(new Actor("clinic-system", "submitter"), $"clinic-{Guid.NewGuid():N}", CallerAccess.Submitter);

    protected NewCaseWriterTests(TStorage storage)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new Evaluator(Catalogue, _time));
        services.AddLogging();
        services.AddCaseStore(storage.Provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, storage.ConnectionString);
        _services = services.BuildServiceProvider();
    }

    public async Task InitializeAsync()
    {
        using var scope = _services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    /// <summary>The sample request under this id; <paramref name="lineText"/>, when given, makes it a different request.</summary>
    private static CoverageRequest Request(string requestId, string? lineText = null)
    {
        var json = Sample.Replace("\"REQ-1001\"", $"\"{requestId}\"", StringComparison.Ordinal);
        var read = RequestReader.Read(json, Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        var request = read.Request!;
        return lineText is null ? request : request with { ServiceLines = [.. request.ServiceLines.Select(l => l with { Description = lineText })] };
    }

    /// <summary>One submission as a request makes it: a scope (and a context) of its own.</summary>
    private async Task<StoreResult<CaseView>> Submit(string requestId, string? lineText = null, UsedRequestIds usedIds = UsedRequestIds.Conflict)
    {
        await Task.Yield();
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CaseService>().SubmitAsync(
            Request(requestId, lineText), _submitter, CancellationToken.None, usedIds: usedIds);
    }

    private async Task<List<(Guid Id, int Use)>> CasesUnder(string requestId)
    {
        using var scope = _services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Cases
            .Where(c => c.Tenant == _submitter.Tenant && c.RequestId == requestId)
            .Select(c => new { c.Id, c.RequestIdUse }).ToListAsync())
            .Select(c => (c.Id, c.RequestIdUse)).OrderBy(c => c.RequestIdUse).ToList();
    }

    private async Task<List<(Guid CaseId, string Action)>> CreatedEvents()
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var cases = await db.Cases.Where(c => c.Tenant == _submitter.Tenant).Select(c => c.Id).ToListAsync();
        return (await db.AuditEvents.Where(e => e.CaseId != null && cases.Contains(e.CaseId.Value) && e.Action == "case-created").ToListAsync())
            .Select(e => (e.CaseId!.Value, e.Action)).ToList();
    }

    private async Task<int> StoredCases()
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Cases.CountAsync(c => c.Tenant == _submitter.Tenant);
    }

    [Fact]
    public async Task ManyConcurrentSubmissions_EachIsStoredOnceWithItsAuditEvent()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(n => Task.Run(() => Submit($"GC-{n}"))));

        Assert.All(results, r => Assert.True(r.Created && r.Error is null));
        Assert.Equal(40, results.Select(r => r.Value!.Id).Distinct().Count());
        Assert.Equal(40, await StoredCases());
        var created = await CreatedEvents();
        Assert.Equal(results.Select(r => r.Value!.Id).Order(), created.Select(e => e.CaseId).Order());
    }

    [Fact]
    public async Task ARacingResubmission_FailsAlone_AndIsAnsweredWithTheWinnersCase_WhileTheOthersAreWritten()
    {
        // Both copies of RACE-1 miss each other's case when they look it up, so both reach the writer, often in one
        // transaction with the others: the unique index refuses the second, and only the second.
        var others = Enumerable.Range(0, 40).Select(n => Task.Run(() => Submit($"OTHER-{n}"))).ToList();
        var race = new[] { Task.Run(() => Submit("RACE-1")), Task.Run(() => Submit("RACE-1")) };
        var raced = await Task.WhenAll(race);
        var rest = await Task.WhenAll(others);

        Assert.All(rest, r => Assert.True(r.Created && r.Error is null));
        Assert.All(raced, r => Assert.Null(r.Error));
        Assert.Single(raced, r => r.Created);
        Assert.Equal(raced[0].Value!.Id, raced[1].Value!.Id);
        Assert.Equal(41, await StoredCases());
        Assert.Equal(41, (await CreatedEvents()).Count);
    }

    [Fact]
    public async Task Resubmissions_AmongNewSubmissions_AreAnsweredWithTheirCases_AndFailNoTransaction()
    {
        // A submission no longer looks its request id up first: the writer asks inside each transaction which ids the
        // store holds and leaves those cases out, so resubmissions arriving with new submissions never make a
        // transaction fail (which would write every case of it again, one transaction each).
        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(n => Task.Run(() => Submit($"KEPT-{n}"))));
        var failed = 0;
        var committed = new List<int>();
        var metrics = _services.GetRequiredService<CoverageMetrics>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == "coverage.cases.commit.size") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, cases, tags, _) =>
        {
            lock (committed)
            {
                foreach (var tag in tags)
                    if (tag.Key == "coverage.cases.commit.result" && (string?)tag.Value == "failed") failed++;
                    else if (tag.Key == "coverage.cases.commit.result") committed.Add(cases);
            }
        });
        listener.Start();

        var again = Enumerable.Range(0, 20).Select(n => Task.Run(() => Submit($"KEPT-{n}"))).ToList();
        var fresh = Enumerable.Range(0, 20).Select(n => Task.Run(() => Submit($"FRESH-{n}"))).ToList();
        var resubmitted = await Task.WhenAll(again);
        var created = await Task.WhenAll(fresh);

        Assert.All(resubmitted, r => Assert.True(r.Error is null && !r.Created));
        Assert.Equal(first.Select(r => r.Value!.Id), resubmitted.Select(r => r.Value!.Id));
        Assert.All(created, r => Assert.True(r.Error is null && r.Created));
        Assert.Equal(40, await StoredCases());
        Assert.Equal(40, (await CreatedEvents()).Count);
        lock (committed)
        {
            Assert.Equal(0, failed);
            Assert.Equal(20, committed.Sum());
        }
    }

    [Fact]
    public async Task ADifferentRequestUnderAUsedId_IsAConflict_WhereIdsAreIdempotencyKeys_TheFirstCaseKeptAlone()
    {
        var first = await Submit("ONCE-1");

        var other = await Submit("ONCE-1", lineText: "another service");

        Assert.True(first.Created);
        Assert.Equal(Coverage.Cases.StoreErrorKind.Conflict, other.Error?.Kind);
        Assert.Contains(first.Value!.Id.ToString(), other.Error!.Message, StringComparison.Ordinal);
        Assert.Equal([(first.Value.Id, 0)], await CasesUnder("ONCE-1"));
    }

    [Fact]
    public async Task DifferentRequestsUnderOneId_WhereIdsMayNameMore_AreCasesOfTheirOwn_UnderSuccessiveUses_EachResubmissionItsOwn()
    {
        var first = await Submit("PAS-ID-1", usedIds: UsedRequestIds.NewRequest);
        var second = await Submit("PAS-ID-1", lineText: "second request", usedIds: UsedRequestIds.NewRequest);
        // Two more, racing for the next use: each loser looks again and takes the use after the winner's.
        var racing = await Task.WhenAll(
            Task.Run(() => Submit("PAS-ID-1", lineText: "third request", usedIds: UsedRequestIds.NewRequest)),
            Task.Run(() => Submit("PAS-ID-1", lineText: "fourth request", usedIds: UsedRequestIds.NewRequest)));
        var firstAgain = await Submit("PAS-ID-1", usedIds: UsedRequestIds.NewRequest);
        var secondAgain = await Submit("PAS-ID-1", lineText: "second request", usedIds: UsedRequestIds.NewRequest);

        Assert.All([first, second, .. racing], r => Assert.True(r.Created && r.Error is null));
        var under = await CasesUnder("PAS-ID-1");
        Assert.Equal([0, 1, 2, 3], under.Select(c => c.Use));
        Assert.Equal([first.Value!.Id, second.Value!.Id], under.Take(2).Select(c => c.Id));
        Assert.Equal(racing.Select(r => r.Value!.Id).Order(), under.Skip(2).Select(c => c.Id).Order());
        Assert.True(!firstAgain.Created && firstAgain.Value!.Id == first.Value.Id);
        Assert.True(!secondAgain.Created && secondAgain.Value!.Id == second.Value.Id);
        Assert.Equal(4, (await CreatedEvents()).Count);
        using var scope = _services.CreateScope();
        var detail = await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().AuditEvents
            .Where(e => e.CaseId == second.Value.Id && e.Action == "case-created").Select(e => e.Detail).SingleAsync();
        Assert.Contains($"already used for this member with other requests (latest: case {first.Value.Id}); this is a new request under it.", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdNamingAsManyRequestsAsOneMay_TakesNoOther_ButItsRequestsAreStillResubmissions()
    {
        for (var n = 0; n < Coverage.Store.Commands.SubmitCase.MaxUsesPerRequestId; n++)
            Assert.True((await Submit("NOISY-1", lineText: $"request {n}", usedIds: UsedRequestIds.NewRequest)).Created);

        var another = await Submit("NOISY-1", lineText: "one more", usedIds: UsedRequestIds.NewRequest);
        var again = await Submit("NOISY-1", lineText: "request 7", usedIds: UsedRequestIds.NewRequest);

        Assert.Equal(Coverage.Cases.StoreErrorKind.Conflict, another.Error?.Kind);
        Assert.Contains($"already names {Coverage.Store.Commands.SubmitCase.MaxUsesPerRequestId} different requests of this member", another.Error!.Message, StringComparison.Ordinal);
        Assert.True(again.Error is null && !again.Created);
        var under = await CasesUnder("NOISY-1");
        Assert.Equal(Enumerable.Range(0, Coverage.Store.Commands.SubmitCase.MaxUsesPerRequestId), under.Select(c => c.Use));
        Assert.Equal(under[7].Id, again.Value!.Id);
    }

    /// <summary>
    /// The writer's SQL is built from the EF model (ModelInserts), not by EF: a case with every mapped property set,
    /// its filter rows and a decision, its audit event (identity key and defaulted column left to the store), and the
    /// rows kept with it read back through EF exactly as written — every column of every row, on both providers.
    /// </summary>
    [Fact]
    public async Task EveryMappedColumn_ReadsBackThroughEf_AsWritten()
    {
        var record = Filled<CaseRecord>();
        record.Tenant = _submitter.Tenant;
        record.Filters = [Filled<CaseFilterRecord>(), Filled<CaseFilterRecord>()];
        record.Filters[1].Value += "-second"; // the filter's key is (case, kind, value)
        record.Decisions = [Filled<LineDecisionRecord>()];
        record.Decisions[0].Id = 0; // an identity key: the store numbers it
        var created = Filled<AuditEventRecord>();
        created.Id = 0;
        created.CaseId = record.Id;
        var defaulted = Filled<AuditEventRecord>();
        (defaulted.Id, defaulted.CaseId, defaulted.Occurrences) = (0, record.Id, 0); // the sentinel: the column's default (1) is written
        var bundle = Filled<PasRequestBundleRecord>();
        bundle.CaseId = record.Id;
        var information = Filled<CaseInformationRecord>();
        information.Id = 0;
        information.CaseId = record.Id;

        using (var scope = _services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<NewCaseWriter>().WriteAsync(record, [created, defaulted], [bundle, information], CancellationToken.None);

        using var read = _services.CreateScope();
        var db = read.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var stored = await db.Cases.AsNoTracking().Include(c => c.Filters).Include(c => c.Decisions).SingleAsync(c => c.Id == record.Id);
        AssertSameColumns(db, record, stored);
        Assert.Equal(2, stored.Filters.Count);
        foreach (var filter in record.Filters) AssertSameColumns(db, filter, stored.Filters.Single(f => f.Kind == filter.Kind && f.Value == filter.Value));
        var decision = Assert.Single(stored.Decisions);
        Assert.NotEqual(0, decision.Id);
        AssertSameColumns(db, record.Decisions[0], decision, "Id");
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.CaseId == record.Id).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, e => Assert.NotEqual(0, e.Id));
        AssertSameColumns(db, created, audit[0], "Id");
        Assert.Equal(1, audit[1].Occurrences);
        AssertSameColumns(db, defaulted, audit[1], "Id", "Occurrences");
        AssertSameColumns(db, bundle, await db.Set<PasRequestBundleRecord>().AsNoTracking().SingleAsync(b => b.CaseId == record.Id));
        var informationRow = await db.CaseInformation.AsNoTracking().SingleAsync(i => i.CaseId == record.Id);
        AssertSameColumns(db, information, informationRow, "Id");
    }

    /// <summary>
    /// A document kept as UTF-8 (a case's determination, a PAS request Bundle) is stored as the column's text, not as
    /// bytes: SQL reads it as text (SQLite would otherwise keep the bound bytes as a BLOB), the same text, byte for byte.
    /// </summary>
    [Fact]
    public async Task ADocumentKeptAsUtf8_IsStoredAsText_TheSameText()
    {
        var text = "{\"lines\":[{\"rationale\":\"Résumé — ✓ 𝄞\"}]}";
        var record = Filled<CaseRecord>();
        (record.Tenant, record.DeterminationJson) = (_submitter.Tenant, Utf8Json.FromUtf8(System.Text.Encoding.UTF8.GetBytes(text)));
        var created = Filled<AuditEventRecord>();
        (created.Id, created.CaseId) = (0, record.Id);
        var bundle = Filled<PasRequestBundleRecord>();
        (bundle.CaseId, bundle.BundleJson) = (record.Id, Utf8Json.FromUtf8(System.Text.Encoding.UTF8.GetBytes(text)));
        using (var scope = _services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<NewCaseWriter>().WriteAsync(record, [created], [bundle], CancellationToken.None);

        using var read = _services.CreateScope();
        var db = read.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        // The key as a literal both stores read as theirs (SQLite keeps EF's Guid as upper-case text, PostgreSQL a uuid).
        var id = record.Id.ToString().ToUpperInvariant();
        foreach (var sql in new[] { $"""SELECT "DeterminationJson" FROM cases WHERE "Id" = '{id}'""", $"""SELECT "BundleJson" FROM pas_request_bundles WHERE "CaseId" = '{id}'""" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(typeof(string), reader.GetFieldType(0));
            Assert.Equal(text, reader.GetString(0));
        }
    }

    /// <summary>
    /// Transaction after transaction the writer reuses what it prepared (on SQLite: its own connection, its INSERTs and
    /// its request-id lookup): each case read back holds its own values, not the previous one's; a transaction the
    /// store refuses (a case id already taken) fails its own writer alone, and the next one is written.
    /// </summary>
    [Fact]
    public async Task SuccessiveTransactions_EachWriteTheirOwnValues_AndARefusedOneSpoilsNoneAfterIt()
    {
        var writer = _services.GetRequiredService<NewCaseWriter>();
        var records = new List<CaseRecord>();
        for (var i = 0; i < 3; i++)
        {
            var record = Filled<CaseRecord>();
            (record.Tenant, record.RequestId, record.DeterminationJson) = (_submitter.Tenant, $"SEQ-{i}", Utf8Json.FromText($"{{\"n\":{i}}}"));
            var created = Filled<AuditEventRecord>();
            (created.Id, created.CaseId) = (0, record.Id);
            await writer.WriteAsync(record, [created], [], CancellationToken.None);
            records.Add(record);
        }

        var taken = Filled<CaseRecord>();
        (taken.Id, taken.Tenant, taken.RequestId) = (records[0].Id, _submitter.Tenant, "SEQ-TAKEN");
        await Assert.ThrowsAsync<DbUpdateException>(() => writer.WriteAsync(taken, [], [], CancellationToken.None));
        var after = Filled<CaseRecord>();
        (after.Tenant, after.RequestId) = (_submitter.Tenant, "SEQ-AFTER");
        await writer.WriteAsync(after, [], [], CancellationToken.None);
        records.Add(after);

        using var read = _services.CreateScope();
        var db = read.ServiceProvider.GetRequiredService<CoverageDbContext>();
        foreach (var record in records) AssertSameColumns(db, record, await db.Cases.AsNoTracking().SingleAsync(c => c.Id == record.Id));
        Assert.False(await db.Cases.AnyAsync(c => c.RequestId == "SEQ-TAKEN"));
        Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.CaseId != null && records.Select(r => r.Id).Contains(e.CaseId.Value)));
    }

    /// <summary>An entity with every mapped property set to a value of its own (no defaults, no nulls), as a store round trip needs.</summary>
    private static T Filled<T>() where T : new()
    {
        var entity = new T();
        var n = 0;
        foreach (var property in typeof(T).GetProperties().Where(p => p.CanWrite))
        {
            n++;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? value = type switch
            {
                _ when type == typeof(string) => $"{property.Name}-{n}",
                _ when type == typeof(int) => 100 + n,
                _ when type == typeof(long) => 1000L + n,
                _ when type == typeof(bool) => true,
                _ when type == typeof(Guid) => Guid.NewGuid(),
                // Bytes beyond ASCII (two-, three- and four-byte UTF-8): kept and read back as the same text.
                _ when type == typeof(Utf8Json) => Utf8Json.FromUtf8(System.Text.Encoding.UTF8.GetBytes($"{{\"{property.Name}\":\"{n} é ✓ 𝄞\"}}")),
                // Microseconds: what PostgreSQL's timestamp keeps.
                _ when type == typeof(DateTime) => new DateTime(2026, 12, 3, 9, n % 60, 7, DateTimeKind.Utc).AddTicks(1234560),
                _ => null,
            };
            if (value is not null) property.SetValue(entity, value);
        }
        return entity;
    }

    /// <summary>Every property the model maps for the entity's type holds the same value in both (but those named).</summary>
    private static void AssertSameColumns<T>(CoverageDbContext db, T written, T read, params string[] except) where T : class
    {
        foreach (var property in db.Model.FindEntityType(typeof(T))!.GetProperties().Where(p => !except.Contains(p.Name)))
        {
            var expected = property.PropertyInfo!.GetValue(written);
            var actual = property.PropertyInfo!.GetValue(read);
            if (expected is DateTime at && actual is DateTime back) Assert.True(at == back, $"{typeof(T).Name}.{property.Name}: {at:O} written, {back:O} read");
            else Assert.True(Equals(expected, actual), $"{typeof(T).Name}.{property.Name}: '{expected}' written, '{actual}' read");
        }
    }
}

public sealed class SqliteNewCaseWriterTests(SqliteStorage storage) : NewCaseWriterTests<SqliteStorage>(storage);

public sealed class PostgresNewCaseWriterTests(PostgresStorage storage) : NewCaseWriterTests<PostgresStorage>(storage);
