using System.Net;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Coverage.Server.Tests;

/// <summary>
/// PostgreSQL goes away under load: the server answers 503 with Retry-After (never 500), recovers by
/// itself when the database returns, and no acknowledged case is lost.
/// </summary>
public sealed class OutageTests(PostgresStorage storage) : IClassFixture<PostgresStorage>
{
    [Fact]
    public async Task DatabaseOutage_Is503WithRetryAfter_ThenRecoversLosingNothing()
    {
        await using var proxy = StartProxy();
        using var app = new CoverageApp(ThroughProxy(proxy), new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();

        var acknowledged = new List<string>();
        Task<HttpStatusCode> Submit() => SubmitAsync(client, acknowledged);

        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.Created, await Submit());

        proxy.Cut();
        var during = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++) during.Add(await Submit());
        Assert.All(during, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        var (healthStatus, _, _) = await Api.Get(client, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthStatus);
        // Each surface says so in its own form: a problem under /api, an OperationOutcome (transient) under /fhir.
        var api = await client.PostAsync(new Uri("/api/v1/determinations", UriKind.Relative),
            new StringContent(Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()), System.Text.Encoding.UTF8, "application/json"));
        ErrorResponseTests.AssertProblem(HttpStatusCode.ServiceUnavailable, (api.StatusCode, await api.Content.ReadAsStringAsync(), api));
        var bundle = CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal);
        var fhir = await client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), new StringContent(bundle, System.Text.Encoding.UTF8, "application/fhir+json"));
        ErrorResponseTests.AssertOutcome(HttpStatusCode.ServiceUnavailable, "transient", (fhir.StatusCode, await fhir.Content.ReadAsStringAsync(), fhir));
        Assert.Equal("5", fhir.Headers.RetryAfter!.ToString());
        // Readiness says the database is away (no calls should be sent here); liveness does not (no restart would help).
        var (ready, readiness, _) = await Api.Get(client, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal("unhealthy", readiness.GetProperty("checks").GetProperty("database").Str("status"));
        Assert.Equal("healthy", readiness.GetProperty("checks").GetProperty("journal").Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, "/health/live")).Status);

        proxy.Start();
        Assert.True(await RecoversAsync(Submit), "the server recovers by itself once the database is back");
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Created, await Submit());
        Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, "/health/ready")).Status);

        // Every acknowledged case is there, with its audit.
        foreach (var caseId in acknowledged)
        {
            var (status, audit, _) = await Api.Get(client, $"/api/v1/cases/{caseId}/audit");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("case-created", audit.GetProperty("events")[0].Str("action"));
        }
    }

    /// <summary>
    /// The database restarted or failed over, as PostgreSQL itself says it: every connection to it ended by the server
    /// ("terminating connection due to administrator command") and new ones refused with an error ("is not currently
    /// accepting connections") — server errors, where the proxy above drops sockets. Each interface answers 503 with
    /// Retry-After; the server recovers by itself; nothing acknowledged is lost (bench/soak.sh OUTAGE_AT runs this under
    /// load).
    /// </summary>
    [Fact]
    public async Task DatabaseRefusingConnections_Is503WithRetryAfter_ThenRecoversLosingNothing()
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        var acknowledged = new List<string>();
        Task<HttpStatusCode> Submit() => SubmitAsync(client, acknowledged);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Created, await Submit());

        await storage.AdministerAsync($"ALTER DATABASE \"{storage.DatabaseName}\" WITH ALLOW_CONNECTIONS false");
        try
        {
            await storage.AdministerAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{storage.DatabaseName}'");
            for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.ServiceUnavailable, await Submit());
            var bundle = CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal);
            var fhir = await client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), new StringContent(bundle, System.Text.Encoding.UTF8, "application/fhir+json"));
            ErrorResponseTests.AssertOutcome(HttpStatusCode.ServiceUnavailable, "transient", (fhir.StatusCode, await fhir.Content.ReadAsStringAsync(), fhir));
            var hook = await client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative),
                new StringContent(CoverageApp.Sample("cds-order-sign.json"), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, hook.StatusCode);
            Assert.Equal("5", hook.Headers.RetryAfter!.ToString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Api.Get(client, "/health/ready")).Status);
        }
        finally
        {
            await storage.AdministerAsync($"ALTER DATABASE \"{storage.DatabaseName}\" WITH ALLOW_CONNECTIONS true");
        }

        Assert.True(await RecoversAsync(Submit), "the server recovers by itself once the database accepts connections again");
        Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, "/health/ready")).Status);
        foreach (var caseId in acknowledged) Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, $"/api/v1/cases/{caseId}")).Status);
    }

    /// <summary>
    /// The connection is lost after the database received a COMMIT and before the server heard its reply: the case is
    /// written, but the server cannot know it. Its 503 must not say that nothing was recorded; it says to send the
    /// request again with the same request id, and that repeat returns the case the lost commit wrote (200), not a second.
    /// </summary>
    [Fact]
    public async Task ACommitWhoseReplyIsLost_Is503SayingToRepeat_AndTheRepeatReturnsTheCaseItWrote()
    {
        await using var proxy = StartProxy();
        // In clear: the proxy reads the protocol to find the COMMIT (Debian's PostgreSQL offers TLS, which Npgsql prefers).
        using var app = new CoverageApp(ThroughProxy(proxy, SslMode.Disable), new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await Api.Post(client, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()))).Status);

        var request = Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId());
        proxy.HoldRepliesAfterNextCommit();
        var (lost, problem, answer) = await Api.Post(client, "/api/v1/determinations", request);
        proxy.ReleaseReplies();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost);
        Assert.Equal("5", answer.Headers.RetryAfter!.ToString());
        var detail = problem.Str("detail");
        Assert.DoesNotContain("nothing was recorded", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("same request id", detail, StringComparison.Ordinal);

        var (status, body, _) = await RepeatWhileUnavailableAsync(() => Api.Post(client, "/api/v1/determinations", request), a => a.Status);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}"); // the case the lost commit wrote, not a new one (201)
        var (_, audit, _) = await Api.Get(client, $"/api/v1/cases/{body.Str("caseId")}/audit");
        Assert.Equal("case-created", audit.GetProperty("events")[0].Str("action"));

        // PAS: the same for a $submit whose commit reply is lost — the OperationOutcome says to resubmit the same Claim
        // identifier, and that resubmission is answered with the request the lost commit recorded.
        var bundle = CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal);
        async Task<int> CaseCount() => (await Api.Get(client, "/api/v1/cases?pageSize=1")).Body.GetProperty("total").GetInt32();
        var before = await CaseCount();
        proxy.HoldRepliesAfterNextCommit();
        var pas = await client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), new StringContent(bundle, System.Text.Encoding.UTF8, "application/fhir+json"));
        proxy.ReleaseReplies();
        var outcome = await pas.Content.ReadAsStringAsync();
        ErrorResponseTests.AssertOutcome(HttpStatusCode.ServiceUnavailable, "transient", (pas.StatusCode, outcome, pas));
        Assert.Contains("same Claim identifier", outcome, StringComparison.Ordinal);
        Assert.Equal(before + 1, await CaseCount()); // answered 503, yet written
        using var again = await RepeatWhileUnavailableAsync(
            () => client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), new StringContent(bundle, System.Text.Encoding.UTF8, "application/fhir+json")),
            a => a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var caseNumber = System.Text.Json.JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement
            .GetProperty("entry")[0].GetProperty("resource").GetProperty("identifier")[0].GetProperty("value").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, $"/api/v1/cases/{caseNumber}")).Status);
        Assert.Equal(before + 1, await CaseCount()); // the lost commit's case, answered again: not a second one
    }

    /// <summary>
    /// A network partition under load: the database's host stops answering and nothing is reset, so every open
    /// connection hangs and new ones are never answered. Every call is answered 503 with Retry-After (never 500, never a
    /// hang), none later than two of the store's transactions could take to fail — the one it waited behind and its own
    /// — however many were waiting; when the network heals the server answers again by itself and every acknowledged
    /// case is there. (A group commit retried a failed batch one entry at a time, each waiting out the connection's
    /// timeout: the last of 24 waiting submissions was answered after 84 s.)
    /// </summary>
    [Fact]
    public async Task APartitionUnderLoad_AnswersEveryCall503WithinTwoFailedTransactions_ThenRecoversLosingNothing()
    {
        await using var proxy = StartProxy();
        var store = ThroughProxy(proxy);
        var timeouts = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        // What one transaction can take to fail: its connection's opening, or a command's timeout and the cancellation after it.
        var oneFailedTransaction = TimeSpan.FromSeconds(timeouts.Timeout + timeouts.CommandTimeout) + TimeSpan.FromMilliseconds(timeouts.CancellationTimeout);
        using var app = new CoverageApp(store, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);
        var acknowledged = new List<string>();
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Created, await SubmitAsync(client, acknowledged));

        proxy.Partition();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task<(string Call, HttpStatusCode Status, string? RetryAfter, TimeSpan After)> Timed(string call, Func<Task<HttpResponseMessage>> send)
        {
            using var answer = await send();
            return (call, answer.StatusCode, answer.Headers.RetryAfter?.ToString(), clock.Elapsed);
        }
        static StringContent Json(string body, string mediaType) => new(body, System.Text.Encoding.UTF8, mediaType);
        var calls = new List<Task<(string Call, HttpStatusCode Status, string? RetryAfter, TimeSpan After)>>();
        for (var i = 0; i < 20; i++)
        {
            calls.Add(Timed("REST submission", () => client.PostAsync(new Uri("/api/v1/determinations", UriKind.Relative),
                Json(Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()), "application/json"))));
            calls.Add(Timed("PAS $submit", () => client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative),
                Json(CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal), "application/fhir+json"))));
            calls.Add(Timed("order-sign", () => client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative),
                Json(CoverageApp.Sample("cds-order-sign.json"), "application/json"))));
        }
        calls.Add(Timed("case read", () => client.GetAsync(new Uri($"/api/v1/cases/{acknowledged[0]}", UriKind.Relative))));
        calls.Add(Timed("readiness", () => client.GetAsync(new Uri("/health/ready", UriKind.Relative))));
        var answers = await Task.WhenAll(calls);

        Assert.All(answers, a =>
        {
            Assert.True(a.Status == HttpStatusCode.ServiceUnavailable, $"{a.Call}: {a.Status}");
            if (a.Call != "readiness") Assert.True(a.RetryAfter == "5", $"{a.Call}: Retry-After {a.RetryAfter}");
        });
        var last = answers.MaxBy(a => a.After);
        Assert.True(last.After < 2 * oneFailedTransaction,
            $"{last.Call} answered after {last.After.TotalSeconds:0.0} s; one failed transaction takes at most {oneFailedTransaction.TotalSeconds:0.0} s");

        proxy.Heal();
        Assert.True(await RecoversAsync(() => SubmitAsync(client, acknowledged)), "the server recovers by itself once the network heals");
        Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, "/health/ready")).Status);
        foreach (var caseId in acknowledged) Assert.Equal(HttpStatusCode.OK, (await Api.Get(client, $"/api/v1/cases/{caseId}")).Status);
    }

    private TcpProxy StartProxy()
    {
        var target = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        var proxy = new TcpProxy(target.Host!, target.Port);
        proxy.Start();
        return proxy;
    }

    /// <summary>The fixture's database through the proxy, with short timeouts (a lost connection is noticed in seconds).</summary>
    private FixedPostgres ThroughProxy(TcpProxy proxy, SslMode ssl = SslMode.Prefer) =>
        new(new NpgsqlConnectionStringBuilder(storage.ConnectionString)
            { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3, CommandTimeout = 5, SslMode = ssl }.ConnectionString);

    /// <summary>Submits a new prior authorization, keeping the case id of one acknowledged; a 503 must say when to come back.</summary>
    private static async Task<HttpStatusCode> SubmitAsync(HttpClient client, List<string> acknowledged)
    {
        var (status, body, response) = await Api.Post(client, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()));
        if (status == HttpStatusCode.Created) acknowledged.Add(body.Str("caseId"));
        if (status == HttpStatusCode.ServiceUnavailable) Assert.Equal("5", response.Headers.RetryAfter!.ToString());
        return status;
    }

    /// <summary>Submits until one is acknowledged (at most 20 tries, 250 ms apart), each meanwhile answered 503.</summary>
    private static async Task<bool> RecoversAsync(Func<Task<HttpStatusCode>> submit)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var status = await submit();
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, status.ToString());
            if (status == HttpStatusCode.Created) return true;
            await Task.Delay(250);
        }
        return false;
    }

    /// <summary>Sends until the answer is not 503 (at most 20 tries, 250 ms apart), as a client told to repeat does.</summary>
    private static async Task<T> RepeatWhileUnavailableAsync<T>(Func<Task<T>> send, Func<T, HttpStatusCode> status)
    {
        var answer = await send();
        for (var attempt = 1; attempt < 20 && status(answer) == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            await Task.Delay(250);
            answer = await send();
        }
        return answer;
    }

    /// <summary>The database of the fixture, reached through the proxy.</summary>
    private sealed class FixedPostgres : Storage
    {
        public FixedPostgres(string connectionString) => ConnectionString = connectionString;

        public override string Provider => "postgres";

        public override Task InitializeAsync() => Task.CompletedTask;

        public override Task DisposeAsync() => Task.CompletedTask;
    }
}
