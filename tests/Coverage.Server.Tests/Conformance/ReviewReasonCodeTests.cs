using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Conformance;

/// <summary>
/// reviewAction.reasonCode as data (issue 16, PAS item 7): the payer's mapping file (here the test fixture
/// Fixtures/review-reason-codes.TEST-FIXTURE.json, placeholder codes, not X12's) gives A3 and A4 items their X12 886
/// codes from the line's outcome and reason codes; without a mapping no item has one. The answers stay valid against
/// PAS 2.2.1: the required binding to the unexpandable external code system 886 is a terminology warning, not an error,
/// as for every external code system (IgValidator).
/// </summary>
public sealed class ReviewReasonCodeTests : IClassFixture<SqliteStorage>
{
    private const string ResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle";
    private const string Scopes = "system/Claim.c system/ClaimResponse.r coverage/cases.read coverage/cases.write";
    private static readonly string FixturePath = Path.Combine(IgValidator.FixturesFolder, "review-reason-codes.TEST-FIXTURE.json");

    private readonly SqliteStorage _storage;

    public ReviewReasonCodeTests(SqliteStorage storage) => _storage = storage;

    private CoverageApp App(string? mapping) => new(_storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        ApiTokens.Configure(builder);
        if (mapping is not null) builder.UseSetting("Pas:ReviewReasonCodesPath", mapping);
    });

    [Fact]
    public async Task WithTheMapping_A4AndA3ItemsCarryTheMappedCodes_A1None_AndTheAnswerIsValidPas221()
    {
        using var app = App(FixturePath);
        using var client = app.CreateClient().With(ApiTokens.Create(Scopes, "portal-reasons"));
        var submission = PendedKitSubmission();

        var pended = await SubmitAsync(client, submission);

        Assert.All(pended.Item, item =>
        {
            Assert.Equal("A4", ActionCode(item));
            Assert.Equal(["FIXTURE-A4-AWAITING-PHYSICIAN"], ReasonCodes(item).Select(c => c.Code));
            Assert.All(ReasonCodes(item), c => Assert.Equal("https://codesystem.x12.org/external/886", c.System));
        });

        using var physician = app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        var caseId = pended.Identifier.First(i => i.System!.EndsWith("/api/v1/cases", StringComparison.Ordinal)).Value;
        var (decided, answer, _) = await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions",
            Api.Decision((1, "overturn", "Imaging confirms the lesion."), (2, "uphold", "Not medically necessary for this indication.")));
        Assert.True(decided == HttpStatusCode.OK, answer.ToString());

        // The same request again: the case as it stands, each decided line with what the mapping gives its action.
        var final = await SubmitAsync(client, submission);
        var certified = final.Item.Single(i => i.ItemSequence == 1);
        var denied = final.Item.Single(i => i.ItemSequence == 2);
        Assert.Equal(("A1", "A3"), (ActionCode(certified), ActionCode(denied)));
        Assert.Empty(ReasonCodes(certified));
        // Outcome rule, then the CARC 50 rule; a code two rules give is there once.
        Assert.Equal(["FIXTURE-A3-NOT-NECESSARY", "FIXTURE-A3-FROM-CARC-50"], ReasonCodes(denied).Select(c => c.Code));
        Assert.Equal("Test fixture: not necessary", ReasonCodes(denied)[0].Display);
    }

    [Fact]
    public async Task WithoutAMapping_NoItemCarriesAReasonCode()
    {
        using var app = App(null);
        using var client = app.CreateClient().With(ApiTokens.Create(Scopes, "portal-no-reasons"));

        var pended = await SubmitAsync(client, PendedKitSubmission());

        Assert.All(pended.Item, item =>
        {
            Assert.Equal("A4", ActionCode(item));
            Assert.Empty(ReasonCodes(item));
        });
    }

    [Theory]
    [InlineData("""{"rules": [{"action": "A1", "outcome": "covered", "code": "X"}]}""", "rules[0].action")]
    [InlineData("""{"rules": [{"action": "A3", "code": "X"}]}""", "rules[0] must have exactly one of outcome and reasonCode")]
    [InlineData("""{"rules": [{"action": "A3", "outcome": "denied", "code": "X"}]}""", "rules[0].outcome 'denied'")]
    [InlineData("""{"rules": [{"action": "A3", "reasonCode": "CARC50", "code": "X"}]}""", "rules[0].reasonCode")]
    [InlineData("""{"rules": [{"action": "A4", "outcome": "information-required", "code": "two words"}]}""", "rules[0].code")]
    [InlineData("""{"mappings": []}""", "\"rules\" array")]
    [InlineData("""not json""", "not JSON")]
    public void AnInvalidMapping_IsRefused_SayingWhere(string json, string expected)
    {
        Assert.Null(ReviewReasonCodes.Read(json, out var problem));
        Assert.Contains(expected, problem!, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidMappingFile_StopsTheServer_NamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"reasons-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"rules": [{"action": "A3", "outcome": "denied", "code": "X"}]}""");
        try
        {
            using var app = App(file);
            var refused = Assert.ThrowsAny<Exception>(() => app.CreateClient());
            Assert.Contains(file, refused.ToString(), StringComparison.Ordinal);
            Assert.Contains("rules[0].outcome", refused.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A stray byte in a reason's display would have been sent to every provider as U+FFFD: the file is refused.</summary>
    [Fact]
    public void AMappingFileThatIsNotUtf8_StopsTheServer_SayingWhere()
    {
        var file = Path.Combine(Path.GetTempPath(), $"reasons-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(file, [.. File.ReadAllBytes(FixturePath)[..2], 0xC0, .. File.ReadAllBytes(FixturePath)[2..]]);
        try
        {
            using var app = App(file);
            var refused = Assert.ThrowsAny<Exception>(() => app.CreateClient());
            Assert.Contains($"{file} is not UTF-8 text (byte 3 is not part of a UTF-8 character)", refused.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Submits, checks the answer against PAS 2.2.1 (errors only: 886 cannot be expanded offline, a warning), and returns its ClaimResponse.</summary>
    private static async Task<ClaimResponse> SubmitAsync(HttpClient client, string bundle)
    {
        using var content = new StringContent(bundle, Encoding.UTF8, "application/fhir+json");
        var response = await client.PostAsync("/fhir/Claim/$submit", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = FhirJson.Parse<Bundle>(await response.Content.ReadAsStringAsync(), out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        var errors = IgValidator.Pas221.Errors(answer, ResponseBundle);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return Assert.IsType<ClaimResponse>(answer.Entry[0].Resource);
    }

    private static Extension ReviewAction(ClaimResponse.ItemComponent item) =>
        Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);

    private static string ActionCode(ClaimResponse.ItemComponent item) =>
        Assert.IsType<CodeableConcept>(ReviewAction(item).Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single().Code!;

    private static List<Coding> ReasonCodes(ClaimResponse.ItemComponent item) =>
        [.. ReviewAction(item).Extension.Where(e => e.Url == "reasonCode").Select(e => Assert.Single(Assert.IsType<CodeableConcept>(e.Value).Coding))];

    /// <summary>The kit's pended payload (adapted; Fixtures/SOURCES.md) with its own request id and 2026 service dates, so that it pends.</summary>
    private static string PendedKitSubmission()
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Path.Combine(IgValidator.FixturesFolder, "pas-kit", "pended-pa-submit-request-payload.adapted.json")))!.AsObject();
        var claim = bundle["entry"]![0]!["resource"]!;
        claim["identifier"]![0]!["value"] = Api.NewId();
        foreach (var item in claim["item"]!.AsArray())
        {
            if (item!["servicedDate"] is not null) item["servicedDate"] = "2026-05-04";
            if (item["servicedPeriod"] is JsonObject period) { period["start"] = "2026-05-04"; period["end"] = "2026-05-06"; }
        }
        return bundle.ToJsonString();
    }
}
