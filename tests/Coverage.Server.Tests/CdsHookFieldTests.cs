using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests;

/// <summary>
/// A hook call's own fields read exactly (session 38): each member CDS Hooks 2.0 gives a type is refused (400, naming it)
/// when it has another; the access token the server would send to the EHR's FHIR server is a bearer token or a 400, never a
/// 500 from the header it would not fit in; the ids a read's URL is built from are FHIR ids, never "." or "..".
/// </summary>
public sealed class CdsHookFieldTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly FakeFhirServer _fhirServer = new();
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public CdsHookFieldTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            builder.UseSetting("Coverage:AllowedFhirServers:0", FakeFhirServer.BaseUrl);
            builder.ConfigureTestServices(services =>
                services.AddHttpClient<FhirServerClient>().ConfigurePrimaryHttpMessageHandler(() => _fhirServer));
        });
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> Call(JsonNode request)
    {
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An order-sign call without prefetch, reading the patient and Coverage from the allowed FHIR server with a kit-like fhirAuthorization.</summary>
    private static JsonObject ReadingFromTheEhr()
    {
        var request = Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = "token-123", ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/Patient.read patient/Coverage.read", ["subject"] = "crd",
        };
        return request;
    }

    private void AddPatientAndCoverage()
    {
        _fhirServer.Add("Patient/pat-1", Ehr.Patient());
        _fhirServer.Add("Coverage?patient=pat-1&status=active", Ehr.SearchSet(Ehr.Coverage("example-ablation-exclusion")));
    }

    /// <summary>A 400 OperationOutcome whose one issue names the field: in its expression, and first in its diagnostics.</summary>
    private static void AssertRefusedNaming(string field, HttpStatusCode status, string body)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {body[..Math.Min(body.Length, 400)]}");
        var outcome = FhirJson.Parse<OperationOutcome>(body, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        FhirValidation.AssertValid(outcome);
        var issue = Assert.Single(outcome.Issue);
        Assert.Contains($"{field}:", issue.Diagnostics, StringComparison.Ordinal);
        Assert.Equal(field, Assert.Single(issue.Expression));
    }

    [Fact]
    public async Task TheControl_AKitLikeCallReadingFromTheEhr_IsAnswered_WithItsToken()
    {
        AddPatientAndCoverage();

        var (status, body) = await Call(ReadingFromTheEhr());

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.NotEmpty(_fhirServer.Requests);
        Assert.All(_fhirServer.Requests, r => Assert.Equal("Bearer token-123", r.Authorization));
    }

    /// <summary>
    /// F1: the token went into the Authorization header of the read: a CR, LF or NUL in it was a FormatException and a 500;
    /// a blank one was sent as "Bearer  ". Each is now a 400 naming fhirAuthorization.access_token, and nothing is read.
    /// </summary>
    [Theory]
    [InlineData("abc\r\nX-Injected: 1")]
    [InlineData("abc\nX-Injected: 1")]
    [InlineData("abc\rdef")]
    [InlineData("abc\0def")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("two words")]
    [InlineData("tok\u00e9n")]
    [InlineData("=abc")]
    [InlineData("")]
    public async Task AnAccessTokenThatIsNotABearerToken_Is400NamingIt_AndNothingIsRead(string token)
    {
        AddPatientAndCoverage();
        var request = ReadingFromTheEhr();
        request["fhirAuthorization"]!["access_token"] = token;

        var (status, body) = await Call(request);

        AssertRefusedNaming("fhirAuthorization.access_token", status, body);
        Assert.Empty(_fhirServer.Requests);
    }

    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]
    [InlineData("mF_9.B5f-4.1JqM")]
    [InlineData("a+b/c~d==")]
    public async Task ABearerToken_IsSentAsItIs(string token)
    {
        AddPatientAndCoverage();
        var request = ReadingFromTheEhr();
        request["fhirAuthorization"]!["access_token"] = token;

        var (status, body) = await Call(request);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.All(_fhirServer.Requests, r => Assert.Equal($"Bearer {token}", r.Authorization));
    }

    /// <summary>Defence in depth: the client itself never lets a header it cannot build escape as anything but a read that failed.</summary>
    [Theory]
    [InlineData("abc\r\nX-Injected: 1")]
    [InlineData("abc\0")]
    [InlineData(" ")]
    public async Task TheFhirServerClient_GivenATokenThatCannotBeAHeader_ReadsNothing_AndDoesNotThrow(string token)
    {
        using var scope = _app.Services.CreateScope();
        var reader = scope.ServiceProvider.GetRequiredService<FhirServerClient>();
        _fhirServer.Add("Patient/pat-1", Ehr.Patient());

        var read = await reader.ReadAsync(new FhirAccess(new Uri(FakeFhirServer.BaseUrl), token), "Patient/pat-1", CancellationToken.None);

        Assert.Null(read);
        Assert.Empty(_fhirServer.Requests);
    }

    /// <summary>F7: members of the wrong JSON type were ignored (fhirServer, fhirAuthorization) or used as if absent.</summary>
    [Theory]
    [InlineData("fhirServer", "5")]
    [InlineData("fhirServer", "{}")]
    [InlineData("fhirServer", "[\"https://ehr.test/fhir\"]")]
    [InlineData("fhirServer", "true")]
    [InlineData("fhirServer", "\"not a url\"")]
    [InlineData("fhirServer", "\"ftp://ehr.test/fhir\"")]
    [InlineData("fhirAuthorization", "\"token-123\"")]
    [InlineData("fhirAuthorization", "5")]
    [InlineData("fhirAuthorization", "[]")]
    [InlineData("fhirAuthorization.access_token", "5")]
    [InlineData("fhirAuthorization.access_token", "[\"token-123\"]")]
    [InlineData("fhirAuthorization.token_type", "5")]
    [InlineData("fhirAuthorization.token_type", "\"MAC\"")]
    [InlineData("fhirAuthorization.expires_in", "\"300\"")]
    [InlineData("fhirAuthorization.expires_in", "1.5")]
    [InlineData("fhirAuthorization.expires_in", "-1")]
    [InlineData("fhirAuthorization.scope", "[\"patient/*.read\"]")]
    [InlineData("fhirAuthorization.subject", "{}")]
    [InlineData("fhirAuthorization.patient", "5")]
    [InlineData("fhirAuthorization.patient", "\"..\"")]
    [InlineData("hookInstance", "5")]
    [InlineData("hookInstance", "{}")]
    [InlineData("hookInstance", "\"\\u0000\"")]
    [InlineData("hookInstance", "\"a\\nb\"")]
    [InlineData("context.userId", "5")]
    [InlineData("context.userId", "{}")]
    [InlineData("context.userId", "[\"Practitioner/pr-1\"]")]
    [InlineData("context.patientId", "5")]
    [InlineData("context.patientId", "{\"id\":\"pat-1\"}")]
    [InlineData("context.patientId", "[\"pat-1\"]")]
    [InlineData("context.encounterId", "5")]
    [InlineData("context.encounterId", "[]")]
    [InlineData("context.encounterId", "\"..\"")]
    [InlineData("context.encounterId", "\"enc 1\"")]
    public async Task AFieldOfTheWrongTypeOrForm_Is400NamingIt(string field, string json)
    {
        AddPatientAndCoverage();
        var request = ReadingFromTheEhr();
        var path = field.Split('.');
        var parent = path.Length == 1 ? request : request[path[0]]!.AsObject();
        parent[path[^1]] = JsonNode.Parse(json);

        var (status, body) = await Call(request);

        AssertRefusedNaming(field, status, body);
        Assert.Empty(_fhirServer.Requests);
    }

    [Fact]
    public async Task AnotherHooksName_Is400NamingHook_AndItsEchoIsBoundedAndPrintable()
    {
        var longer = ReadingFromTheEhr();
        longer["hook"] = new string('h', 2_000);
        var broken = ReadingFromTheEhr();
        broken["hook"] = "order-select\nforged: line";

        var (longStatus, longBody) = await Call(longer);
        var (brokenStatus, brokenBody) = await Call(broken);

        AssertRefusedNaming("hook", longStatus, longBody);
        Assert.DoesNotContain(new string('h', 200), longBody, StringComparison.Ordinal);
        AssertRefusedNaming("hook", brokenStatus, brokenBody);
        Assert.Contains("order-select?forged", brokenBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// F7: context.patientId ".." made the server read {fhirServer}/ (Patient/.. resolves to the base), "." a search of
    /// every Patient; a patientId that is not a FHIR id was sent escaped, as an id no server has. Each is now a 400.
    /// </summary>
    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../../admin?x=1")]
    [InlineData("pat/1")]
    [InlineData("pat 1")]
    [InlineData("pat-1\n")]
    [InlineData("")]
    [InlineData("p\u00e4t")]
    public async Task APatientIdThatIsNotAFhirId_Is400NamingIt_AndNothingIsRead(string patientId)
    {
        AddPatientAndCoverage();
        var request = ReadingFromTheEhr();
        request["context"]!["patientId"] = patientId;

        var (status, body) = await Call(request);

        AssertRefusedNaming("context.patientId", status, body);
        Assert.Empty(_fhirServer.Requests);
    }

    [Fact]
    public async Task APatientIdOfSixtyFourCharacters_IsRead_SixtyFiveIsNot()
    {
        var id = new string('p', 64);
        _fhirServer.Add($"Patient/{id}", Ehr.Patient());
        _fhirServer.Add($"Coverage?patient={id}&status=active", Ehr.SearchSet(Ehr.Coverage("example-ablation-exclusion")));
        var request = ReadingFromTheEhr();
        request["context"]!["patientId"] = id;
        // (The order's subject is Patient/pat-1, so the call goes on to answer 400 about that: after the patient was read.)
        await Call(request);
        Assert.Contains(_fhirServer.Requests, r => r.Url == $"{FakeFhirServer.BaseUrl}/Patient/{id}");

        _fhirServer.Requests.Clear();
        request["context"]!["patientId"] = id + "p";
        request["hookInstance"] = Guid.NewGuid().ToString();
        var (status, body) = await Call(request);
        AssertRefusedNaming("context.patientId", status, body);
        Assert.Empty(_fhirServer.Requests);
    }

    /// <summary>
    /// hookInstance is not required to be a UUID (CDS Hooks says it is one; the Inferno CRD kit's own order-dispatch
    /// fixture sends "f3945c39-dfbe-444f-ba6d-3e05e123b2va", which is not): it is never put in a URL or a header, so text
    /// such as ".." is answered as any other instance id is; only control characters are refused (above).
    /// </summary>
    [Theory]
    [InlineData("..")]
    [InlineData("f3945c39-dfbe-444f-ba6d-3e05e123b2va")]
    public async Task AHookInstanceThatIsNotAUuidButIsText_IsAnswered(string hookInstance)
    {
        AddPatientAndCoverage();
        var request = ReadingFromTheEhr();
        request["hookInstance"] = hookInstance;

        var (status, body) = await Call(request);

        Assert.True(status == HttpStatusCode.OK, body);
    }

    /// <summary>JSON null is an absent member, as before: the kit's order-dispatch fixtures send no encounterId or userId.</summary>
    [Fact]
    public async Task NullMembers_AreAbsent()
    {
        AddPatientAndCoverage();
        var request = ReadingFromTheEhr();
        request["context"]!["encounterId"] = null;
        request["context"]!["userId"] = null;
        request["fhirAuthorization"]!["scope"] = null;
        request["fhirAuthorization"]!["expires_in"] = null;

        var (status, body) = await Call(request);

        Assert.True(status == HttpStatusCode.OK, body);
        using var _ = JsonDocument.Parse(body);
    }
}
