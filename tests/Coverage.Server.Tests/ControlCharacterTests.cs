using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Server.Errors;
using Coverage.Server.Tests.Appeals;
using Coverage.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Coverage.Server.Tests;

/// <summary>
/// Session 38 (F2, F6): a control character in a caller's text — NUL, which PostgreSQL refuses outright, or BEL, ESC —
/// is refused with 400 naming the field, on both stores; prose keeps tab and line breaks. A NUL had reached PostgreSQL
/// and been answered 503 "the case store could not be reached" (or 409 "changed by someone else") instead.
/// </summary>
public abstract class ControlCharacterTests<TStorage> : IClassFixture<TStorage>, IDisposable where TStorage : Storage
{
    private readonly CoverageApp _app;
    private readonly HttpClient _physician;
    private readonly HttpClient _payer;
    private readonly HttpClient _subscriber;

    protected ControlCharacterTests(TStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "lines-of-business"));
            builder.UseSetting("Subscriptions:AllowHttp", "true");
            builder.UseSetting("Subscriptions:AllowedNetworks:0", "127.0.0.1/32");
        });
        _physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        _payer = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes));
        _subscriber = _app.CreateClient().With(ApiTokens.Create("system/Subscription.* coverage/cases.read", "clinic-a"));
    }

    public void Dispose()
    {
        _physician.Dispose();
        _payer.Dispose();
        _subscriber.Dispose();
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    [Theory]
    [MemberData(nameof(ControlCharacterCases.Fields), MemberType = typeof(ControlCharacterCases))]
    public async Task AControlCharacter_IsRefusedWith400NamingTheField(string field, string control)
    {
        var text = $"before{control}after";
        var (status, body, named) = field switch
        {
            "rationale" => Rest(await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/decisions", Api.Decision((1, "uphold", text))), "lines[0].rationale"),
            "needed" => Rest(await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/information-requests", Json(new { needed = text })), "needed"),
            "with" => Rest(await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/peer-to-peer", Json(new { with = text, heldAt = "2026-05-04T10:00:00Z", summary = "s" })), "with"),
            "summary" => Rest(await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/peer-to-peer", Json(new { with = "Dr. Referring", heldAt = "2026-05-04T10:00:00Z", summary = text })), "summary"),
            "reason (extension)" => Rest(await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync("example-erisa-group")}/extensions", Json(new { days = 15, reason = text })), "reason"),
            "reason (appeal)" => Rest(await Api.Post(_payer, $"/api/v1/cases/{await DeniedAsync()}/appeals", Json(new { filedBy = "member", reason = text })), "reason"),
            "subject" => Fhir(await Api.Get(_payer, $"/fhir/AuditEvent?subject={Uri.EscapeDataString(text)}"), "subject"),
            "modality" => Rest(await Api.Get(_payer, $"/api/v1/cases?modality={Uri.EscapeDataString(text)}"), "modality"),
            "Claim.identifier" => Fhir(await Inquire(b => b["entry"]![0]!["resource"]!["identifier"]![0]!["value"] = text), "Bundle.entry[0].resource.identifier[0].value"),
            "subscriberId" => Fhir(await Inquire(b => b["entry"]![4]!["resource"]!["subscriberId"] = text), "subscriberId"),
            "userComment (feedback)" => Fhir(await Feedback(new JsonObject { ["userComment"] = text }), "feedback[0].overrideReason.userComment"),
            "display (feedback)" => Fhir(await Feedback(new JsonObject { ["reason"] = new JsonObject { ["system"] = "https://payer.example/override", ["code"] = "other", ["display"] = text } }),
                "feedback[0].overrideReason.reason.display"),
            _ => Fhir(await Api.Send(_subscriber, HttpMethod.Post, "/fhir/Subscription", KitSubscription(s => s["_criteria"]!["extension"]![0]!["valueString"] = $"org-identifier=81{control}899"),
                "application/fhir+json"), "Subscription.criteria.extension"),
        };
        Assert.True(status == HttpStatusCode.BadRequest, $"{field}: {status} {body}");
        Assert.True(body.Contains(named, StringComparison.Ordinal) && body.Contains("must not contain control characters", StringComparison.Ordinal), $"{field}: {body}");
    }

    [Fact]
    public async Task Prose_KeepsTabAndLineBreaks()
    {
        const string prose = "Criteria not met:\n\t- no imaging;\r\n\t- no pathology.";
        var (decided, decision, _) = await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/decisions", Api.Decision((1, "uphold", prose)));
        Assert.Equal(HttpStatusCode.OK, decided);
        Assert.Equal(prose, decision.GetProperty("decisions")[0].Str("rationale"));
        Assert.Equal(HttpStatusCode.OK, (await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/information-requests", Json(new { needed = prose }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/peer-to-peer",
            Json(new { with = "Dr. Referring", heldAt = "2026-05-04T10:00:00Z", summary = prose }))).Status);
        Assert.Equal(HttpStatusCode.Created, (await Api.Post(_payer, $"/api/v1/cases/{await DeniedAsync()}/appeals", Json(new { filedBy = "member", reason = prose }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Feedback(new JsonObject { ["userComment"] = prose })).Status);
        // An id is no prose: a tab in the peer's name is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.Post(_physician, $"/api/v1/cases/{await SubmitAsync()}/peer-to-peer",
            Json(new { with = "Dr.\tReferring", heldAt = "2026-05-04T10:00:00Z", summary = "s" }))).Status);
    }

    private static (HttpStatusCode, string, string) Rest((HttpStatusCode Status, JsonElement Body, HttpResponseMessage _) answer, string field) =>
        (answer.Status, answer.Body.ValueKind == JsonValueKind.Undefined ? "" : answer.Body.GetRawText(), $"\"{field}\"");

    private static (HttpStatusCode, string, string) Fhir((HttpStatusCode Status, JsonElement Body, HttpResponseMessage _) answer, string field) =>
        (answer.Status, answer.Body.ValueKind == JsonValueKind.Undefined ? "" : answer.Body.GetRawText(), field);

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Inquire(Action<JsonNode> change)
    {
        var bundle = JsonNode.Parse(CoverageApp.Sample("pas-submit-bundle.json"))!;
        change(bundle);
        return Api.Send(_payer, HttpMethod.Post, "/fhir/Claim/$inquire", bundle.ToJsonString(), "application/fhir+json");
    }

    /// <summary>CDS Hooks feedback overriding a card with <paramref name="reason"/> (hook authentication is off here, as in Development).</summary>
    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Feedback(JsonObject reason) =>
        Api.Send(_payer, HttpMethod.Post, "/cds-services/order-sign/feedback", new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = Guid.NewGuid().ToString(), ["outcome"] = "overridden", ["outcomeTimestamp"] = "2026-11-25T09:30:00Z", ["overrideReason"] = reason,
            }),
        }.ToJsonString(), "application/json");

    private static string KitSubscription(Action<JsonObject> change)
    {
        var subscription = JsonNode.Parse(File.ReadAllText(Path.Combine(Conformance.IgValidator.FixturesFolder, "pas-kit", "subscription-resource.json")))!.AsObject();
        subscription["channel"]!["endpoint"] = "http://127.0.0.1:5399/notify";
        change(subscription);
        return subscription.ToJsonString();
    }

    private async Task<string> SubmitAsync(string? plan = null)
    {
        var json = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!.AsObject();
        json["requestId"] = Api.NewId();
        if (plan is not null) json["member"]!["planId"] = plan;
        var (status, body, _) = await Api.Post(_payer, "/api/v1/determinations", json.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, status);
        return body.Str("caseId");
    }

    private async Task<string> DeniedAsync()
    {
        var id = await SubmitAsync("example-erisa-group");
        Assert.Equal(HttpStatusCode.OK, (await Api.Post(_physician, $"/api/v1/cases/{id}/decisions", Api.Decision((1, "uphold", "Criteria not met.")))).Status);
        return id;
    }
}

/// <summary>Each field a caller writes, with NUL, BEL and ESC.</summary>
public static class ControlCharacterCases
{
    public static TheoryData<string, string> Fields()
    {
        var data = new TheoryData<string, string>();
        foreach (var control in new[] { "\u0000", "\u0007", "\u001b" })
            foreach (var field in new[] { "rationale", "needed", "with", "summary", "reason (extension)", "reason (appeal)", "subject", "modality", "Claim.identifier", "subscriberId", "filter", "userComment (feedback)", "display (feedback)" })
                data.Add(field, control);
        return data;
    }
}

public sealed class SqliteControlCharacterTests(SqliteStorage storage) : ControlCharacterTests<SqliteStorage>(storage);

public sealed class PostgresControlCharacterTests(PostgresStorage storage) : ControlCharacterTests<PostgresStorage>(storage);

/// <summary>
/// Defence in depth below the input checks: a value PostgreSQL refuses as malformed (a data exception, SQLSTATE class
/// 22) is neither an outage (503 "could not be reached") nor a concurrency conflict (409 "changed by someone else").
/// </summary>
public sealed class StoreDataErrorTests(PostgresStorage storage) : IClassFixture<PostgresStorage>, IAsyncLifetime
{
    private readonly AppealStore _store = new(storage);

    public Task InitializeAsync() => _store.MigrateAsync();

    public async Task DisposeAsync() => await _store.CloseAsync();

    private static PostgresException Postgres(string state) => new("the database said so", "ERROR", "ERROR", state);

    [Fact]
    public void ADataException_IsNoOutage_NorAConflict_WhileAConnectionFailureIsAnOutage()
    {
        var nul = new DbUpdateException("An error occurred while saving the entity changes.", Postgres("22021"));
        Assert.False(DatabaseOutageResponder.IsOutage(nul));
        Assert.False(DatabaseOutageResponder.IsOutage(Postgres("22001")));
        Assert.False(DatabaseOutageResponder.IsOutage(new DbUpdateException("refused", Postgres("23503"))));
        Assert.False(StoreFailures.IsConflict(nul));
        Assert.Equal("22021", StoreFailures.DataError(nul));

        Assert.True(DatabaseOutageResponder.IsOutage(new DbUpdateException("lost", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()))));
        Assert.True(DatabaseOutageResponder.IsOutage(Postgres("57P01")));
        Assert.True(DatabaseOutageResponder.IsOutage(Postgres("55000"))); // "database … is not currently accepting connections"
        // A request body too large or cut short is an IOException too, and the caller's (413, 400), not the store's.
        Assert.False(DatabaseOutageResponder.IsOutage(new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", 413)));
        Assert.True(DatabaseOutageResponder.IsOutage(new CommitOutcomeUnknownException(new NpgsqlException("Exception while writing to stream", new IOException("Broken pipe")))));
        Assert.True(DatabaseOutageResponder.IsOutage(new SqliteException("database is locked", 5)));
        Assert.True(StoreFailures.IsConflict(new DbUpdateConcurrencyException("revision moved")));
        Assert.True(StoreFailures.IsConflict(new DbUpdateException("duplicate", Postgres("23505"))));
        Assert.Null(StoreFailures.DataError(Postgres("08006")));
    }

    [Fact]
    public async Task ADecisionThePostgresStoreRefusesAsMalformed_IsNotAnsweredAsAConflict()
    {
        var submitted = await _store.Submit(AppealStore.Erisa);
        // Past the endpoint's checks (which refuse it first): the store itself is handed a NUL.
        var failure = await Assert.ThrowsAnyAsync<DbUpdateException>(() => _store.Run(s => s.DecideAsync(submitted.Id,
            new DecisionSubmission([new LineDecisionInput(1, DecisionActions.Uphold, "a\u0000b")]), AppealStore.DrAda, CancellationToken.None)));
        Assert.Equal("22021", StoreFailures.DataError(failure));
        Assert.False(DatabaseOutageResponder.IsOutage(failure));
        // Nothing was written: the case still waits for its decision.
        var stored = (await _store.Run(s => s.GetAsync(submitted.Id, AppealStore.Staff, CancellationToken.None))).Value!;
        Assert.Empty(stored.Decisions);
    }
}
