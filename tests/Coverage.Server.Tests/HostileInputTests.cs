using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// Hostile and malformed input to every endpoint: truncated and mistyped JSON, deep nesting, huge
/// numbers, odd Unicode, invalid FHIR. Every answer is a clear 4xx (or a success for input that
/// happens to be valid), never a 5xx, and comes back promptly.
/// </summary>
public sealed class HostileInputTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public HostileInputTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            // The kit's Subscription names a receiver on this machine: allowed here so that the seed itself is accepted.
            builder.UseSetting("Subscriptions:AllowHttp", "true");
            builder.UseSetting("Subscriptions:AllowedNetworks:0", "127.0.0.1/32");
        });
        _client = _app.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(30);
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    public static TheoryData<string> Endpoints => new()
    {
        "/api/v1/determinations",
        "/cds-services/order-sign",
        "/fhir/Claim/$submit",
        "/fhir/Claim/$inquire",
        "/cds-services/order-select",
        "/cds-services/order-dispatch",
        "/cds-services/appointment-book",
        "/cds-services/encounter-start",
        "/fhir/Questionnaire/$questionnaire-package",
        "/fhir/Questionnaire/$next-question",
        "/fhir/Subscription",
        "decisions",
        "information",
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task MutatedInputs_AreRefusedWith4xxNeverAServerError(string endpoint)
    {
        var url = await UrlOf(endpoint);
        var document = Seeds[endpoint];
        // The same inputs every run (a string's GetHashCode differs per process, and a failure must be reproducible);
        // HOSTILE_SEED runs another set.
        var seed = StableSeed(endpoint) ^ (int.TryParse(Environment.GetEnvironmentVariable("HOSTILE_SEED"), out var extra) ? extra : 0);
        var (accepted, seedAnswer) = await PostAll(url, [System.Text.Encoding.UTF8.GetBytes(document)], acceptedOnly: true);
        Assert.True(accepted == 1, $"the unmutated seed is accepted by {url}, so that its mutations reach past the front door: {string.Join(" ", seedAnswer)}");
        var (count, failures) = await PostAll(url, HostileInputs.Mutations(document, seed, count: 200));
        Assert.True(count >= 200, "each endpoint gets at least 200 inputs");
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EmptyPropertyNames_AreRefusedWith4xxNeverAServerError(string endpoint)
    {
        // A property named "" anywhere in a FHIR resource crashed Firely's reader (an IndexOutOfRangeException, a 500).
        var (count, failures) = await PostAll(await UrlOf(endpoint), HostileInputs.EmptiedNames(Seeds[endpoint]));
        Assert.True(count >= 3, "the seed has names to empty");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    /// <summary>Where an endpoint's inputs are posted: a case's own URL for its decisions and information (a new pending case each).</summary>
    private async Task<string> UrlOf(string endpoint) => endpoint is "decisions" or "information"
        ? $"/api/v1/cases/{await PendingCase(endpoint)}/{endpoint}"
        : endpoint;

    /// <summary>Posts every body; the 5xx answers and the 4xx answers without an explanation are failures.</summary>
    /// <param name="acceptedOnly">Count only the 2xx answers instead.</param>
    private async Task<(int Count, List<string> Failures)> PostAll(string url, IEnumerable<byte[]> bodies, bool acceptedOnly = false)
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var body in bodies)
        {
            count++;
            var contentType = url.StartsWith("/fhir", StringComparison.Ordinal) ? "application/fhir+json" : "application/json";
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await _client.PostAsync(new Uri(url, UriKind.Relative), content);
            var status = (int)response.StatusCode;
            if (acceptedOnly && status >= 300)
            {
                count--;
                failures.Add($"{status}: {await response.Content.ReadAsStringAsync()}");
                continue;
            }
            if (status >= 500) failures.Add($"{status} for {Show(body)}: {await response.Content.ReadAsStringAsync()}");
            else if (status >= 400)
            {
                var text = await response.Content.ReadAsStringAsync();
                if (text.Length == 0) failures.Add($"{status} without an explanation for {Show(body)}");
            }
        }
        return (count, failures);
    }

    /// <summary>A seed from the endpoint's name that is the same in every process (FNV-1a, 15 bits).</summary>
    private static int StableSeed(string endpoint)
    {
        var hash = 2166136261u;
        foreach (var c in endpoint) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fff);
    }

    private static readonly Dictionary<string, string> Seeds = new Dictionary<string, string>
    {
        ["/api/v1/determinations"] = CoverageApp.Sample("cryoablation-prior-auth.json"),
        ["/cds-services/order-sign"] = CoverageApp.Sample("cds-order-sign.json"),
        ["/fhir/Claim/$submit"] = CoverageApp.Sample("pas-submit-bundle.json"),
        ["/fhir/Claim/$inquire"] = CoverageApp.Sample("pas-submit-bundle.json"),
        // The other hooks as the Inferno CRD kit sends them (Conformance/Fixtures/crd-kit, with their sources noted there).
        ["/cds-services/order-select"] = KitBody("crd-kit/order-select-request-bodies.adapted.json"),
        ["/cds-services/order-dispatch"] = KitBody("crd-kit/order-dispatch-request-bodies.adapted.json"),
        ["/cds-services/appointment-book"] = KitBody("crd-kit/appointment-book-request-bodies.adapted.json"),
        ["/cds-services/encounter-start"] = KitBody("crd-kit/encounter-start-request-bodies.json"),
        ["/fhir/Questionnaire/$questionnaire-package"] = CoverageApp.Sample("dtr-questionnaire-package.json"),
        ["/fhir/Questionnaire/$next-question"] = CoverageApp.Sample("dtr-next-question.json").Replace("http://127.0.0.1:5080/", "http://localhost/", StringComparison.Ordinal),
        ["/fhir/Subscription"] = KitBody("pas-kit/subscription-resource.json"),
        ["decisions"] = """{"lines":[{"sequence":1,"action":"uphold","rationale":"Not medically necessary."}]}""",
        ["information"] = """{"clinical":{"recurrent":false},"diagnoses":["C50.911"],"serviceLines":[{"sequence":1,"description":"cryoablation"}]}""",
    };

    /// <summary>A kit's request body from the conformance fixtures: the file's first when it holds a list.</summary>
    private static string KitBody(string file)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Conformance.IgValidator.FixturesFolder, file)))!;
        return (node is System.Text.Json.Nodes.JsonArray list ? list[0]! : node).ToJsonString();
    }

    [Fact]
    public async Task MutatedQueriesAndPaths_AreRefusedWith4xxNeverAServerError()
    {
        var random = new Random(7);
        string[] oddities = ["", "%00", "%FF%FE", "%ED%A0%80", "..%2F..%2F", "'", "\"", "<script>", "-1", "0", "99999999999999999999", "1e309", "NaN",
            "%E2%80%AE", "%F0%9F%92%A5", new string('a', 5000), "pending-physician-review", "cryoablation", "0540", Guid.NewGuid().ToString()];
        string Odd() => oddities[random.Next(oddities.Length)];
        var failures = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var url = random.Next(6) switch
            {
                0 => $"/api/v1/cases?status={Odd()}&page={Odd()}&pageSize={Odd()}",
                1 => $"/api/v1/cases?modality={Odd()}&policy={Odd()}",
                2 => $"/api/v1/cases/{Odd()}",
                3 => $"/fhir/AuditEvent?entity={Odd()}&_count={Odd()}",
                4 => $"/policies/{Odd()}?version={Odd()}",
                _ => $"/api/v1/cases/{Guid.NewGuid()}/audit?{Odd()}={Odd()}",
            };
            HttpResponseMessage response;
            try
            {
                response = await _client.GetAsync(new Uri(url, UriKind.Relative));
            }
            catch (InvalidOperationException)
            {
                continue; // a NUL in the path: the in-memory test host refuses to build it (Kestrel answers 400)
            }
            using (response)
                if ((int)response.StatusCode >= 500) failures.Add($"{(int)response.StatusCode} for {url[..Math.Min(120, url.Length)]}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public async Task OversizedBody_IsRefusedWith413()
    {
        var huge = "{\"requestId\":\"" + new string('x', 2_000_000) + "\"}";
        using var content = new StringContent(huge, Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync(new Uri("/api/v1/determinations", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private async Task<string> PendingCase(string kind)
    {
        var sample = kind == "information" ? "unlisted-without-description.json" : "cryoablation-prior-auth.json";
        var (_, body, _) = await Api.Post(_client, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample(sample), Api.NewId()));
        return body.Str("caseId");
    }

    private static string Show(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 160 ? text : text[..160] + "…";
    }
}

