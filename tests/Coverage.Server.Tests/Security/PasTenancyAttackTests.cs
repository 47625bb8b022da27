using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir.Pas;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Provider B's PAS client attacks provider A's request through <c>$inquire</c> and <c>$submit</c>, quoting everything of
/// A's it could have seen: the Claim.identifier (system and value), the member, A's provider, and the case number the
/// payer issued (preAuthRef / administration reference number, authorization number, Claim.related). Whatever B quotes,
/// it finds nothing, as if A's request did not exist: an inquiry answers no Bundle, an update of it is B's own new
/// request, a cancellation or appeal of it is the same "no case of yours" error as for a number never issued — and A's
/// case is unchanged. An inquiry quoting A's case number is an attempt on that case, and A's trail records it.
/// </summary>
public sealed class PasTenancyAttackTests : IAsyncLifetime
{
    private const string Scopes = "system/Claim.c system/ClaimResponse.r";
    private SecureServer _server = null!;
    private string _submitted = "";
    private string _caseOfA = "";

    public async Task InitializeAsync()
    {
        _server = await SecureServer.StartAsync();
        _submitted = CoverageApp.Sample("pas-submit-bundle.json");
        var (status, body, _) = await Pas(SecureServer.PortalA, "submit", _submitted);
        Assert.True(status == HttpStatusCode.OK, body);
        _caseOfA = ClaimResponse(body).GetProperty("identifier")[0].Str("value");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Pas(string client, string operation, string bundle) =>
        _server.SendAsync(HttpMethod.Post, $"/fhir/Claim/${operation}", SecureServer.Token(Scopes, client), bundle, "application/fhir+json");

    private static JsonElement ClaimResponse(string responseBundle) => JsonDocument.Parse(responseBundle).RootElement.GetProperty("entry")[0].GetProperty("resource");

    /// <summary>A's own submission, changed: what B sends.</summary>
    private string Changed(Action<JsonObject> change)
    {
        var bundle = JsonNode.Parse(_submitted)!;
        change(bundle["entry"]![0]!["resource"]!.AsObject());
        return bundle.ToJsonString();
    }

    private static JsonObject Quoting(string url, string number) => new() { ["url"] = url, ["valueString"] = number };

    private static JsonArray CertificationType(string code) =>
    [
        new JsonObject
        {
            ["url"] = PasSystems.CertificationType,
            ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "https://codesystem.x12.org/005010/1322", ["code"] = code }) },
        },
    ];

    private static JsonArray RelatedTo(string requestId) => [new JsonObject { ["claim"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = "http://provider.example/prior-auth", ["value"] = requestId } } }];

    private async Task<(string Status, string Outcome)> CaseAsSeenByThePayer()
    {
        var (_, body, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{_caseOfA}", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem));
        var root = JsonDocument.Parse(body).RootElement;
        return (root.Str("status"), root.Str("outcome"));
    }

    [Fact]
    public async Task AnInquiryQuotingAnotherOrganisationsNumbers_FindsNothing_AndTheAttemptIsOnThatCasesTrail()
    {
        var withA = Changed(claim =>
        {
            claim["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://provider-b.example/prior-auth", ["value"] = "B-INQ-1" });
            claim["extension"] = new JsonArray(Quoting(PasSystems.AdministrationReferenceNumber, _caseOfA));
            claim["item"]![0]!["extension"] = new JsonArray(Quoting(PasSystems.AuthorizationNumber, _caseOfA));
            claim["related"] = new JsonArray(new JsonObject { ["reference"] = new JsonObject { ["value"] = _caseOfA } });
        });

        var (byB, bodyB, _) = await Pas(SecureServer.PortalB, "inquire", withA);
        var (byA, bodyA, _) = await Pas(SecureServer.PortalA, "inquire", withA);

        Assert.Equal(HttpStatusCode.OK, byB);
        Assert.DoesNotContain("\"return\"", bodyB, StringComparison.Ordinal);
        Assert.DoesNotContain(_caseOfA, bodyB, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, byA); // the same inquiry from A names A's case
        Assert.Contains(_caseOfA, bodyA, StringComparison.Ordinal);
        var trail = (await AuditTable.ReadAsync(_server)).Where(r => string.Equals(r.CaseId, _caseOfA, StringComparison.OrdinalIgnoreCase)).ToList();
        var refused = Assert.Single(trail, r => r.Action == "access-refused");
        Assert.Equal(SecureServer.PortalB, refused.ActorClient);
        Assert.Contains("inquiry", refused.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(trail, r => r.Action == "case-read" && r.ActorClient == SecureServer.PortalB);
    }

    [Fact]
    public async Task CancellingOrAppealingAnotherOrganisationsRequest_IsTheErrorOfANumberNeverIssued_AndChangesNothing()
    {
        var before = await CaseAsSeenByThePayer();
        var attempts = new Dictionary<string, string>
        {
            ["cancel by Claim.related"] = Changed(c => { c["identifier"]![0]!["value"] = "B-CANCEL-1"; c["related"] = RelatedTo("PA-20260504-0001"); c["extension"] = CertificationType("3"); }),
            ["cancel under A's own identifier"] = Changed(c => c["extension"] = CertificationType("3")),
            ["cancel an item"] = Changed(c => c["item"]![0]!["extension"] = CertificationType("3")),
            ["appeal by Claim.related"] = Changed(c => { c["identifier"]![0]!["value"] = "B-APPEAL-1"; c["related"] = RelatedTo("PA-20260504-0001"); c["extension"] = CertificationType("1"); }),
            ["cancel by the case number"] = Changed(c => { c["related"] = RelatedTo(_caseOfA); c["extension"] = CertificationType("3"); }),
        };
        var never = Changed(c => { c["identifier"]![0]!["value"] = "NEVER-ISSUED"; c["related"] = RelatedTo("NEVER-ISSUED"); c["extension"] = CertificationType("3"); });
        var (_, neverBody, _) = await Pas(SecureServer.PortalB, "submit", never);
        var neverNote = ClaimResponse(neverBody).GetProperty("processNote")[0].Str("text").Replace("NEVER-ISSUED", "{id}", StringComparison.Ordinal);

        foreach (var (what, bundle) in attempts)
        {
            var (status, body, _) = await Pas(SecureServer.PortalB, "submit", bundle);
            Assert.True(status == HttpStatusCode.OK, $"{what}: {body}");
            var answer = ClaimResponse(body);
            Assert.True(answer.Str("outcome") == "error", $"{what}: {body}");
            Assert.Equal("AA", answer.GetProperty("error")[0].GetProperty("code").GetProperty("coding")[0].Str("code"));
            var note = answer.GetProperty("processNote")[0].Str("text");
            Assert.Equal(neverNote, note.Replace("PA-20260504-0001", "{id}", StringComparison.Ordinal).Replace(_caseOfA, "{id}", StringComparison.Ordinal));
            Assert.DoesNotContain(_caseOfA, body.Replace($"'{_caseOfA}'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Equal(before, await CaseAsSeenByThePayer());
        var trail = (await AuditTable.ReadAsync(_server)).Where(r => string.Equals(r.CaseId, _caseOfA, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.DoesNotContain(trail, r => r.ActorClient == SecureServer.PortalB && r.Action != "access-refused");
    }

    [Fact]
    public async Task AnUpdateOfAnotherOrganisationsRequest_IsBsOwnNewRequest_AndAsCaseIsUnchanged()
    {
        var before = await CaseAsSeenByThePayer();
        var update = Changed(c =>
        {
            c["identifier"]![0]!["value"] = "B-UPDATE-1";
            c["related"] = RelatedTo("PA-20260504-0001");
            c["item"]!.AsArray().Add(new JsonObject
            {
                ["sequence"] = 2,
                ["productOrService"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = "19499" }), ["text"] = "Laser ablation, left breast" },
                ["servicedDate"] = "2026-05-04",
            });
        });

        var (status, body, _) = await Pas(SecureServer.PortalB, "submit", update);

        Assert.Equal(HttpStatusCode.OK, status);
        var own = ClaimResponse(body).GetProperty("identifier")[0].Str("value");
        Assert.NotEqual(_caseOfA, own);
        Assert.DoesNotContain(_caseOfA, body, StringComparison.Ordinal);
        Assert.Equal(before, await CaseAsSeenByThePayer());
        var (read, _, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{own}", SecureServer.Token("coverage/cases.read", SecureServer.PortalB));
        Assert.Equal(HttpStatusCode.OK, read);
        var (aSees, _, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{own}", SecureServer.Token("coverage/cases.read", SecureServer.PortalA));
        Assert.Equal(HttpStatusCode.NotFound, aSees);
    }
}
