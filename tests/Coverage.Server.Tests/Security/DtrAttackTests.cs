using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// An attack script's DTR calls against a Production-configured server: <c>$questionnaire-package</c> with thousands of
/// <c>context</c> ids (each one an audited case read) or another organisation's case number, canonicals and searches
/// whose <c>version</c> is not a catalogue digest but text of the caller's (a log line of its own), and hostile
/// QuestionnaireResponses to <c>$next-question</c>. What a client sends is bounded before it costs the server work, and
/// another organisation's case is not found, as if it did not exist, with the attempt on that case's trail.
/// </summary>
public sealed class DtrAttackTests : IAsyncLifetime
{
    private const string Scopes = "system/Questionnaire.r coverage/cases.read coverage/cases.write";
    private SecureServer _server = null!;

    public async Task InitializeAsync() => _server = await SecureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A case of <paramref name="client"/>'s organisation whose open request for information names the FDA label's questionnaire.</summary>
    private async Task<string> CaseAskedForAQuestionnaireAsync(string client)
    {
        var request = JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()))!;
        request["member"]!["planId"] = "example-fda-cryo-rider";
        request["clinical"] = new JsonObject();
        var (created, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token(Scopes, client), request.ToJsonString());
        Assert.True(created == HttpStatusCode.Created, body);
        var caseId = JsonDocument.Parse(body).RootElement.Str("caseId");
        var physician = SecureServer.Token("coverage/cases.decide", SecureServer.ReviewApp, subject: SecureServer.Physician);
        var (asked, answer, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/information-requests", physician, """{"needed":"The device's labeled indication."}""");
        Assert.True(asked == HttpStatusCode.OK && answer.Contains("0540-fda-prosense", StringComparison.Ordinal), answer);
        return caseId;
    }

    private static string PackageRequest(IEnumerable<JsonObject> parameters)
    {
        var all = new JsonArray(new JsonObject { ["name"] = "coverage", ["resource"] = Ehr.Node(Ehr.Coverage("example-fda-cryo-rider")) });
        foreach (var parameter in parameters) all.Add(parameter);
        return new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = all }.ToJsonString();
    }

    private static JsonObject Context(string id) => new() { ["name"] = "context", ["valueString"] = id };

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Post(string client, string operation, string body) =>
        _server.SendAsync(HttpMethod.Post, $"/fhir/Questionnaire/${operation}", SecureServer.Token(Scopes, client), body, "application/fhir+json");

    private async Task<List<AuditRow>> TrailOf(string caseId) =>
        [.. (await AuditTable.ReadAsync(_server)).Where(r => string.Equals(r.CaseId, caseId, StringComparison.OrdinalIgnoreCase))];

    [Fact]
    public async Task ContextIdsByTheThousand_AreRefusedAtOnce_AndOneNamedTwiceIsReadOnce()
    {
        var caseId = await CaseAskedForAQuestionnaireAsync(SecureServer.PortalB);
        var reads = (await TrailOf(caseId)).Count(r => r.Action == "case-read");

        // Until this audit each context was read (and its read audited, one transaction each) before anything else:
        // 13,500 copies of one case number in a 1 MB body held the server for six minutes and wrote 13,500 audit rows.
        var (flooded, floodBody, _) = await Post(SecureServer.PortalB, "questionnaire-package", PackageRequest(Enumerable.Range(0, 1_000).Select(_ => Context(caseId))));

        Assert.True(flooded == HttpStatusCode.BadRequest, floodBody[..Math.Min(floodBody.Length, 300)]);
        Assert.Equal("Parameters.parameter", JsonDocument.Parse(floodBody).RootElement.GetProperty("issue")[0].GetProperty("expression")[0].GetString());
        Assert.Equal(reads, (await TrailOf(caseId)).Count(r => r.Action == "case-read")); // refused before any case was read

        var (twice, twiceBody, _) = await Post(SecureServer.PortalB, "questionnaire-package", PackageRequest([Context(caseId), Context(caseId)]));
        Assert.True(twice == HttpStatusCode.OK, twiceBody[..Math.Min(twiceBody.Length, 300)]);
        Assert.Contains("PackageBundle", twiceBody, StringComparison.Ordinal);
        Assert.Equal(reads + 1, (await TrailOf(caseId)).Count(r => r.Action == "case-read"));
    }

    [Fact]
    public async Task AnotherOrganisationsCaseNumberAsContext_IsNotFound_LikeOneNeverIssued_AndTheAttemptIsOnItsTrail()
    {
        var caseOfB = await CaseAskedForAQuestionnaireAsync(SecureServer.PortalB);
        var never = Guid.NewGuid().ToString();

        var (theirs, theirsBody, _) = await Post(SecureServer.PortalA, "questionnaire-package", PackageRequest([Context(caseOfB)]));
        var (missing, missingBody, _) = await Post(SecureServer.PortalA, "questionnaire-package", PackageRequest([Context(never)]));

        Assert.Equal(HttpStatusCode.NotFound, theirs);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(missingBody.Replace(never, caseOfB, StringComparison.Ordinal), theirsBody);
        Assert.DoesNotContain("0540-fda-prosense", theirsBody, StringComparison.Ordinal);
        var refused = Assert.Single(await TrailOf(caseOfB), r => r.Action == "access-refused");
        Assert.Equal(SecureServer.PortalA, refused.ActorClient);
    }

    [Fact]
    public async Task AVersionThatIsNoCatalogueDigest_MatchesNothing_AndNeverReachesTheLog()
    {
        const string Forged = "FORGED-LOG-LINE";
        // A search parameter may hold a line break (a log line of the caller's own: refused) or be long; a canonical in a
        // body may not hold one (FHIR's uri has no whitespace), but may be long.
        var inQuery = new string('v', 3_000) + "\nerror: " + Forged;
        var canonical = $"{SecureServer.PublicBaseUrl}/fhir/Questionnaire/0540-fda-prosense|{new string('v', 3_000)}{Forged}";

        var (search, searchBody, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/Questionnaire?version={Uri.EscapeDataString(new string('v', 3_000) + Forged)}", SecureServer.Token(Scopes, SecureServer.PortalB));
        var (broken, brokenBody, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/Questionnaire?version={Uri.EscapeDataString(inQuery)}", SecureServer.Token(Scopes, SecureServer.PortalB));
        var (package, _, _) = await Post(SecureServer.PortalB, "questionnaire-package",
            PackageRequest([new JsonObject { ["name"] = "questionnaire", ["valueCanonical"] = canonical }]));
        var (next, _, _) = await Post(SecureServer.PortalB, "next-question",
            new JsonObject { ["resourceType"] = "QuestionnaireResponse", ["status"] = "in-progress", ["questionnaire"] = canonical }.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, search);
        Assert.Equal(0, JsonDocument.Parse(searchBody).RootElement.GetProperty("total").GetInt32());
        // A line break in a search parameter is no version of anything: refused, naming the parameter.
        Assert.Equal(HttpStatusCode.BadRequest, broken);
        Assert.Equal("version", JsonDocument.Parse(brokenBody).RootElement.GetProperty("issue")[0].GetProperty("expression")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, package);
        Assert.Equal(HttpStatusCode.NotFound, next);
        await Task.Delay(1_000); // the console logger writes on its own thread
        string output;
        lock (_server.Output) output = _server.Output.ToString();
        Assert.DoesNotContain(Forged, output, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('v', 200), output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Hostile answers to the first question the adaptive form asks (the member's birth date), sent back in the response the
    /// server gave: each is refused by the first check it fails — the JSON reader's depth, one answer per question, one
    /// statement of a fact, the question's type, groups the form never asked — before any answer becomes a fact or a next
    /// question is chosen. The refusal names that check and the element, so none of the work a response's size could
    /// multiply is done (no timing: speed is measured in <c>bench/</c>).
    /// </summary>
    [Theory]
    [InlineData("nested deeper than FHIR JSON is read", "maximum configured depth")]
    [InlineData("one fact answered 5,000 times", "takes one answer (the question does not repeat); this item has 5000")]
    [InlineData("one fact answered twice in one item, differently", "takes one answer (the question does not repeat); this item has 2")]
    [InlineData("one fact stated twice, differently", "is answered in two items; answer each question once")]
    [InlineData("an answer of the wrong type", "the birth date is a full date (valueDate yyyy-MM-dd)")]
    [InlineData("an answer of the wrong type, deep in groups", "is not a question of the form '#adaptive'")]
    public async Task HostileQuestionnaireResponses_AreRefusedByTheirFirstFailedCheck(string what, string refusedBy)
    {
        var (started, firstRound, _) = await Post(SecureServer.PortalB, "next-question", new JsonObject
        {
            ["resourceType"] = "QuestionnaireResponse", ["status"] = "in-progress",
            ["questionnaire"] = $"{SecureServer.PublicBaseUrl}/fhir/Questionnaire/0540-fda-prosense",
        }.ToJsonString());
        Assert.True(started == HttpStatusCode.OK, firstRound[..Math.Min(firstRound.Length, 300)]);
        var response = JsonNode.Parse(firstRound)!.AsObject();
        var asked = response["contained"]![0]!["item"]![0]!["linkId"]!.GetValue<string>();

        static JsonObject Born(string date) => new() { ["valueDate"] = date };
        JsonObject Item(params JsonObject[] answers) => new() { ["linkId"] = asked, ["answer"] = new JsonArray([.. answers]) };
        static JsonObject Nested(JsonObject inner, int depth)
        {
            for (var i = 0; i < depth; i++) inner = new JsonObject { ["linkId"] = $"group-{i}", ["item"] = new JsonArray(inner) };
            return inner;
        }
        response["item"] = what switch
        {
            "nested deeper than FHIR JSON is read" => new JsonArray(Nested(Item(Born("1950-03-01")), 70)),
            "one fact answered 5,000 times" => new JsonArray(Item([.. Enumerable.Range(0, 5_000).Select(_ => Born("1950-03-01"))])),
            "one fact answered twice in one item, differently" => new JsonArray(Item(Born("1950-03-01"), Born("1990-03-01"))),
            "one fact stated twice, differently" => new JsonArray(Item(Born("1950-03-01")), Item(Born("1990-03-01"))),
            "an answer of the wrong type" => new JsonArray(Item(new JsonObject { ["valueString"] = "long ago" })),
            _ => new JsonArray(Nested(Item(new JsonObject { ["valueString"] = "long ago" }), 20)),
        };

        var (status, body, _) = await Post(SecureServer.PortalB, "next-question", response.ToJsonString());

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {(int)status} {body[..Math.Min(body.Length, 300)]}");
        var outcome = Assert.IsType<Hl7.Fhir.Model.OperationOutcome>(FhirJson.Parse<Hl7.Fhir.Model.Resource>(body, out _));
        Assert.True((outcome.Issue[0].Diagnostics ?? "").Contains(refusedBy, StringComparison.Ordinal), $"{what}: {outcome.Issue[0].Diagnostics}");
        Assert.True(body.Length < 8_000, $"{what}: an answer of {body.Length} characters");
    }
}
