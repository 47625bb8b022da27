using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Issue 12, findings 1, 3, 4 and 11 and the token items of "Low", replayed against the real server in
/// Production as the hostile review ran them: who the server believes acted, whose data a caller may touch.
/// </summary>
public sealed class IdentityAttackTests : IAsyncLifetime
{
    private const string Write = "coverage/cases.write coverage/cases.read";
    private SecureServer _server = null!;

    public async Task InitializeAsync() => _server = await SecureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> PendingReviewCase(string client = SecureServer.PortalA)
    {
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!;
        request["requestId"] = "ATT-" + Guid.NewGuid().ToString("N")[..10];
        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token(Write, client), request.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, status);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("pending-physician-review", document.RootElement.Str("status"));
        return document.RootElement.Str("caseId");
    }

    private async Task<JsonElement> Audit(string caseId)
    {
        var (status, body, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}/audit", SecureServer.Token("coverage/audit.read", SecureServer.UmSystem));
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonDocument.Parse(body).RootElement.GetProperty("events").Clone();
    }

    private static string Uphold(object? reviewer) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["reviewer"] = reviewer,
        ["lines"] = new[] { new { sequence = 1, action = "uphold", rationale = "Not medically necessary under policy 0540." } },
    }.Where(p => p.Value is not null).ToDictionary());

    // ------------------------------------------------------------------ 1. forged physician decisions

    [Fact]
    public async Task Finding1_AMachineClientNamingAPhysician_CannotDecide_AndIsNotRecordedAsThePhysician()
    {
        var caseId = await PendingReviewCase();
        var bot = SecureServer.Token("coverage/cases.decide", SecureServer.IntakeBot);

        var (forged, body, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", bot,
            Uphold(new { id = SecureServer.Physician, name = SecureServer.PhysicianName, role = "physician" }));
        var (bare, _, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", bot, Uphold(null));
        var (asking, _, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/information-requests", bot,
            """{"reviewer":{"id":"dr-kim","name":"Dr. Ana Kim","role":"physician"},"needed":"Anything"}""");

        Assert.Equal(HttpStatusCode.Forbidden, forged);
        Assert.Contains("not the authenticated caller", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, bare);
        Assert.Equal(HttpStatusCode.Forbidden, asking);
        var events = await Audit(caseId);
        Assert.DoesNotContain(events.EnumerateArray(), e => e.Str("action") is "line-decided" or "case-finalized" or "information-requested");
        Assert.DoesNotContain(events.EnumerateArray(), e => e.Str("actor") == SecureServer.Physician);
    }

    [Fact]
    public async Task Finding1_ANurseClaimingThePhysicianRole_IsRefused()
    {
        var caseId = await PendingReviewCase();
        var nurse = SecureServer.Token("coverage/cases.decide", SecureServer.ReviewApp, subject: SecureServer.Nurse);

        var (asPhysician, _, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", nurse,
            Uphold(new { id = SecureServer.Nurse, name = SecureServer.NurseName, role = "physician" }));
        var (asHerself, body, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", nurse, Uphold(null));

        Assert.Equal(HttpStatusCode.Forbidden, asPhysician);
        Assert.Equal(HttpStatusCode.Forbidden, asHerself);
        Assert.Contains("Only a physician may decide", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding1_TheAuthenticatedPhysicianDecides_AndTheAuditCarriesTheRealPrincipal()
    {
        var caseId = await PendingReviewCase();
        var physician = SecureServer.Token("coverage/cases.decide coverage/cases.read", SecureServer.ReviewApp, subject: SecureServer.Physician);

        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", physician, Uphold(null));

        Assert.Equal(HttpStatusCode.OK, status);
        var decision = JsonDocument.Parse(body).RootElement.GetProperty("decisions")[0];
        Assert.Equal(SecureServer.Physician, decision.Str("reviewerId"));
        Assert.Equal(SecureServer.PhysicianName, decision.Str("reviewerName"));
        var decided = (await Audit(caseId)).EnumerateArray().Single(e => e.Str("action") == "line-decided");
        Assert.Equal(SecureServer.Physician, decided.Str("actor"));
        Assert.Equal("physician", decided.Str("actorRole"));
        Assert.Equal(SecureServer.ApiIssuer, decided.Str("actorIssuer"));
        Assert.Equal(SecureServer.ReviewApp, decided.Str("actorClient"));
        Assert.Equal(SecureServer.Physician, decided.Str("actorSubject"));
        // No authenticated call is ever recorded as anonymous.
        Assert.DoesNotContain((await Audit(caseId)).EnumerateArray(), e => e.Str("actor") == "anonymous");
    }

    // ------------------------------------------------------------------ 3. information rewritten by anyone

    [Fact]
    public async Task Finding3_InformationCannotBeRewritten_NorAddedByAnotherOrganisation()
    {
        var request = JsonNode.Parse(CoverageApp.Sample("unlisted-without-description.json"))!;
        request["requestId"] = "ATT-" + Guid.NewGuid().ToString("N")[..10];
        var (_, created, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token(Write, SecureServer.PortalA), request.ToJsonString());
        var caseId = JsonDocument.Parse(created).RootElement.Str("caseId");
        const string describe = """{"serviceLines":[{"sequence":1,"description":"Percutaneous cryoablation of a left breast carcinoma"}]}""";

        var (byOther, _, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/information", SecureServer.Token(Write, SecureServer.PortalB), describe);
        var (byOwner, body, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/information", SecureServer.Token(Write, SecureServer.PortalA), describe);
        var (rewrite, refusal, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/information", SecureServer.Token(Write, SecureServer.PortalA),
            """{"serviceLines":[{"sequence":1,"description":"Excision of a skin lesion"}],"member":{"birthDate":"1990-01-01"}}""");

        Assert.Equal(HttpStatusCode.NotFound, byOther);
        Assert.Equal(HttpStatusCode.OK, byOwner);
        Assert.Equal("pending-physician-review", JsonDocument.Parse(body).RootElement.Str("status"));
        // The case no longer waits for information; even when it does, what was given is never replaced.
        Assert.Equal(HttpStatusCode.Conflict, rewrite);
        Assert.DoesNotContain("Excision", refusal, StringComparison.Ordinal);
        var (_, history, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}/information", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem));
        var addition = JsonDocument.Parse(history).RootElement.GetProperty("additions").EnumerateArray().Single();
        Assert.Equal(SecureServer.PortalA, addition.Str("actor"));
        Assert.Contains("Percutaneous cryoablation", addition.GetProperty("information").ToString(), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ 4. no tenancy

    [Fact]
    public async Task Finding4_AProviderReadsAndListsOnlyItsOwnCases()
    {
        var caseOfA = await PendingReviewCase(SecureServer.PortalA);
        var b = SecureServer.Token(Write + " coverage/audit.read", SecureServer.PortalB);

        var (read, readBody, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseOfA}", b);
        var (audit, _, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseOfA}/audit", b);
        var (list, listBody, _) = await _server.SendAsync(HttpMethod.Get, "/api/v1/cases?pageSize=100", b);

        Assert.Equal(HttpStatusCode.NotFound, read);
        Assert.Equal(HttpStatusCode.NotFound, audit);
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.DoesNotContain(caseOfA, listBody, StringComparison.Ordinal);
        Assert.Empty(JsonDocument.Parse(listBody).RootElement.GetProperty("items").EnumerateArray()); // B has submitted nothing
        // The answer is exactly that of a case that does not exist: nothing says A's case is there.
        var missing = Guid.NewGuid().ToString();
        var (_, missingBody, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{missing}", b);
        Assert.Equal(JsonDocument.Parse(missingBody).RootElement.Str("detail").Replace(missing, caseOfA, StringComparison.Ordinal),
            JsonDocument.Parse(readBody).RootElement.Str("detail"));
    }

    [Fact]
    public async Task Finding4_ASubmitterAuditorReadsOnlyItsOwnCasesHistory()
    {
        var caseOfA = await PendingReviewCase(SecureServer.PortalA);
        var caseOfB = await PendingReviewCase(SecureServer.PortalB);
        var b = SecureServer.Token("coverage/audit.read", SecureServer.PortalB);

        var (everything, _, _) = await _server.SendAsync(HttpMethod.Get, "/fhir/AuditEvent?_count=1000", b);
        var (ofA, _, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?entity={caseOfA}", b);
        var (ofB, body, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?entity={caseOfB}", b);
        var (byPayer, _, _) = await _server.SendAsync(HttpMethod.Get, "/fhir/AuditEvent?_count=1000", SecureServer.Token("coverage/audit.read", SecureServer.UmSystem));

        Assert.Equal(HttpStatusCode.Forbidden, everything);
        Assert.Equal(HttpStatusCode.NotFound, ofA);
        Assert.Equal(HttpStatusCode.OK, ofB);
        Assert.DoesNotContain(caseOfA, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, byPayer);
    }

    [Fact]
    public async Task Finding4_PasInquiry_MatchesTheSubmitterTheIdentifierSystemAndTheProvider()
    {
        var bundle = CoverageApp.Sample("pas-submit-bundle.json");
        var submitA = SecureServer.Token("system/Claim.c system/ClaimResponse.r", SecureServer.PortalA);
        var (submitted, _, _) = await _server.SendAsync(HttpMethod.Post, "/fhir/Claim/$submit", submitA, bundle, "application/fhir+json");
        Assert.Equal(HttpStatusCode.OK, submitted);

        // Provider B, with its own credentials, inquires with A's identifier value and member.
        // PAS 2.2.1: an inquiry that names no request of the caller's is answered 200 with no response Bundle.
        var (byOther, otherBody, _) = await _server.SendAsync(HttpMethod.Post, "/fhir/Claim/$inquire",
            SecureServer.Token("system/ClaimResponse.r", SecureServer.PortalB), bundle, "application/fhir+json");
        // Even through A's credentials, another identifier system or another provider is another request.
        var otherSystem = JsonNode.Parse(bundle)!;
        otherSystem["entry"]![0]!["resource"]!["identifier"]![0]!["system"] = "http://other-provider.example/prior-auth";
        var (bySystem, systemBody, _) = await _server.SendAsync(HttpMethod.Post, "/fhir/Claim/$inquire", submitA, otherSystem.ToJsonString(), "application/fhir+json");
        var (byOwner, ownerBody, _) = await _server.SendAsync(HttpMethod.Post, "/fhir/Claim/$inquire", submitA, bundle, "application/fhir+json");

        Assert.Equal(HttpStatusCode.OK, byOther);
        Assert.DoesNotContain("\"return\"", otherBody, StringComparison.Ordinal);
        Assert.DoesNotContain("ClaimResponse", otherBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, bySystem);
        Assert.DoesNotContain("ClaimResponse", systemBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, byOwner);
        Assert.Contains("ClaimResponse", ownerBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding4_AReusedRequestIdNeverRevealsAnotherClientsCase()
    {
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!;
        request["requestId"] = "SHARED-1";
        var (_, first, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token(Write, SecureServer.PortalA), request.ToJsonString());
        var caseOfA = JsonDocument.Parse(first).RootElement.Str("caseId");
        request["clinical"]!["tumorSizeCm"] = 2.5;

        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token(Write, SecureServer.PortalB), request.ToJsonString());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.DoesNotContain(caseOfA, body, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ 11 and Low: tokens

    [Fact]
    public async Task Finding11_AnIssuerCannotUseAnotherIssuersAudience()
    {
        var pooled = SecureServer.Token("coverage/cases.read", "partner-client", issuer: SecureServer.OtherApiIssuer, audience: SecureServer.PublicBaseUrl);
        var own = SecureServer.Token("coverage/cases.read", "partner-client", issuer: SecureServer.OtherApiIssuer);

        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.SendAsync(HttpMethod.Get, "/api/v1/cases", pooled)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, "/api/v1/cases", own)).Status);
    }

    [Fact]
    public async Task Finding11_AnIssuerWithoutAnAudience_StopsTheServerAtStart()
    {
        var (exitCode, output) = await SecureServer.RunToExitAsync(s => s["Api:Authentication:Issuers:1:Audience"] = "", TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Audience is empty", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ten-years")]
    [InlineData("two-hours")]
    [InlineData("id-token-type")]
    public async Task Low_LongLivedOrWrongTypeTokens_Are401_AndTheChallengeSaysLittle(string what)
    {
        var token = what switch
        {
            "ten-years" => SecureServer.Token("coverage/cases.read", SecureServer.UmSystem, lifetime: TimeSpan.FromDays(3650)),
            "two-hours" => SecureServer.Token("coverage/cases.read", SecureServer.UmSystem, lifetime: TimeSpan.FromHours(2)),
            _ => SecureServer.Token("coverage/cases.read", SecureServer.UmSystem, type: "secevent+jwt"),
        };

        var (status, _, response) = await _server.SendAsync(HttpMethod.Get, "/api/v1/cases", token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        // RFC 6750 §3.1: the error code, not why (that is said only in Development).
        Assert.Equal("Bearer error=\"invalid_token\"", challenge);
    }

    [Fact]
    public async Task ARequestWithNoToken_GetsTheBareChallenge()
    {
        var (status, _, response) = await _server.SendAsync(HttpMethod.Get, "/api/v1/cases", null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}
