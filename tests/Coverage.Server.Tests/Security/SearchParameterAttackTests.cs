using System.Net;
using System.Text.Json;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// An attack script's query strings on the two searches of cases and their history, <c>GET /fhir/AuditEvent</c> and
/// <c>GET /api/v1/cases</c>: FHIR search syntax the server does not implement (<c>_sort</c>, <c>date=ge…</c>,
/// <c>_include</c>, modifiers), parameters that sound like a filter (<c>agent</c>, <c>member</c>, <c>organisation</c>),
/// repeated and huge values. Each is a 400 naming the parameter — until this audit an unknown one was passed over and
/// the search answered every row as if it had been applied — never a 500, and never another organisation's rows.
/// </summary>
public sealed class SearchParameterAttackTests : IAsyncLifetime
{
    private SecureServer _server = null!;
    private string _caseOfA = "";

    public async Task InitializeAsync()
    {
        _server = await SecureServer.StartAsync();
        var json = Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId());
        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.PortalA), json);
        Assert.Equal(HttpStatusCode.Created, status);
        _caseOfA = JsonDocument.Parse(body).RootElement.Str("caseId");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("_sort=-date", "_sort")]
    [InlineData("date=ge2026-01-01", "date")]
    [InlineData("agent=portal-b", "agent")]
    [InlineData("_include=*", "_include")]
    [InlineData("entity:missing=true", "entity:missing")]
    [InlineData("_count=10&_offset=5", "_offset")]
    [InlineData("subject=cds-hooks/order-sign&subject=fhir/AuditEvent", "subject")]
    [InlineData("_count=5&_count=6", "_count")]
    [InlineData("_count=99999999999999999999", "_count")]
    [InlineData("_count=0", "_count")]
    [InlineData("entity=a/b/c/5f0c1f43-3f6e-4d53-9c59-0d1b7f2d3a11", "entity")]
    [InlineData("entity=/5f0c1f43-3f6e-4d53-9c59-0d1b7f2d3a11", "entity")]
    public async Task AuditEventSearch_WithAParameterItDoesNotApply_Is400NamingIt(string query, string parameter)
    {
        var (status, body, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?{query}", SecureServer.Token("coverage/audit.read", SecureServer.UmSystem));

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {body}");
        var issue = JsonDocument.Parse(body).RootElement.GetProperty("issue")[0];
        Assert.Equal(parameter, issue.GetProperty("expression")[0].GetString());
    }

    [Theory]
    [InlineData("member=M-1001", "member")]
    [InlineData("organisation=provider-org-a", "organisation")]
    [InlineData("_sort=receivedAt", "_sort")]
    [InlineData("from=2026-01-01", "from")]
    [InlineData("status=final&status=pending-information", "status")]
    [InlineData("pageSize=5&pageSize=6", "pageSize")]
    [InlineData("page=2147483648", "page")]
    public async Task CaseList_WithAParameterItDoesNotApply_Is400NamingIt(string query, string parameter)
    {
        var (status, body, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases?{query}", SecureServer.Token("coverage/cases.read", SecureServer.PortalB));

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(parameter, out _), body);
        Assert.DoesNotContain(_caseOfA, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeParameterName_IsNamedOnlyInPart()
    {
        var name = new string('p', 5_000);

        var (list, listBody, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases?{name}=1", SecureServer.Token("coverage/cases.read", SecureServer.PortalB));
        var (audit, auditBody, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?{name}=1", SecureServer.Token("coverage/audit.read", SecureServer.UmSystem));

        Assert.Equal(HttpStatusCode.BadRequest, list);
        Assert.Equal(HttpStatusCode.BadRequest, audit);
        Assert.True(listBody.Length < 2_000, listBody[..200]);
        Assert.True(auditBody.Length < 2_000, auditBody[..200]);
    }

    [Fact]
    public async Task AnAuditEventSearchNamingAnotherOrganisationsCase_IsNotFound_AndTheAttemptIsOnThatCasesTrail()
    {
        var never = Guid.NewGuid().ToString();

        var (theirs, theirsBody, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?entity={_caseOfA}", SecureServer.Token("coverage/audit.read", SecureServer.PortalB));
        var (missing, missingBody, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?entity={never}", SecureServer.Token("coverage/audit.read", SecureServer.PortalB));

        Assert.Equal(HttpStatusCode.NotFound, theirs);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(missingBody.Replace(never, _caseOfA, StringComparison.Ordinal), theirsBody);
        var refused = Assert.Single(await AuditTable.ReadAsync(_server), r => string.Equals(r.CaseId, _caseOfA, StringComparison.OrdinalIgnoreCase) && r.Action == "access-refused");
        Assert.Equal(SecureServer.PortalB, refused.ActorClient);
    }

    [Fact]
    public async Task TheSearchesItDoesApply_StillAnswer_AndOnlyWithTheCallersRows()
    {
        var (list, listBody, _) = await _server.SendAsync(HttpMethod.Get, "/api/v1/cases?status=pending-physician-review&page=1&pageSize=100",
            SecureServer.Token("coverage/cases.read", SecureServer.PortalB));
        var (audit, auditBody, _) = await _server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?entity={_caseOfA}&_count=10&_format=json",
            SecureServer.Token("coverage/audit.read", SecureServer.UmSystem));

        Assert.Equal(HttpStatusCode.OK, list);
        Assert.DoesNotContain(_caseOfA, listBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, audit);
        Assert.Contains("case-created", auditBody, StringComparison.Ordinal);
    }
}
