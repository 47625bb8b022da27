using System.Net;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Issue 12, finding 12 (audit gaps): reading the audit trail is audited, naming the auditor; 401 and 403 answers
/// are security events, aggregated per source so that a flood of them stays a few rows.
/// </summary>
public sealed class AuditAttackTests
{
    private static string Request() => Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId());

    [Fact]
    public async Task AuditEventSearch_IsItselfAudited_NamingTheAuditor_AndTheCaseItRead()
    {
        await using var server = await SecureServer.StartAsync();
        var (created, createdBody, response) = await server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.UmSystem), Request());
        Assert.True(created == HttpStatusCode.Created, createdBody);
        var caseId = Guid.Parse(response.Headers.Location!.ToString().Split('/')[^1]);
        var auditor = SecureServer.Token("coverage/audit.read", SecureServer.UmSystem);

        var (all, _, _) = await server.SendAsync(HttpMethod.Get, "/fhir/AuditEvent?_count=1000", auditor);
        var (one, _, _) = await server.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?entity={caseId}", auditor);

        Assert.Equal(HttpStatusCode.OK, all);
        Assert.Equal(HttpStatusCode.OK, one);
        var searches = (await AuditTable.ReadAsync(server)).Where(r => r.Action == "audit-searched").ToList();
        var everything = Assert.Single(searches, r => r.Subject == "fhir/AuditEvent" && r.Detail.Contains("_count=1000", StringComparison.Ordinal));
        Assert.Equal(SecureServer.UmSystem, everything.ActorClient);
        Assert.Equal(SecureServer.UmSystem, everything.Actor);
        Assert.Equal(SecureServer.ApiIssuer, everything.ActorIssuer);
        Assert.Equal("127.0.0.1", everything.Source);
        Assert.Single(searches, r => r.Subject == "fhir/AuditEvent" && r.Detail.Contains(caseId.ToString(), StringComparison.Ordinal));
        // The case's own history shows who read it.
        var onCase = Assert.Single(searches, r => r.CaseId is not null);
        Assert.Equal(caseId, Guid.Parse(onCase.CaseId!));
        Assert.Equal(SecureServer.UmSystem, onCase.ActorClient);

        // And the next auditor sees the reads of the audit trail.
        var (_, body, _) = await server.SendAsync(HttpMethod.Get, "/fhir/AuditEvent?subject=fhir/AuditEvent", auditor);
        Assert.Contains("Searched the audit trail", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousAndForbiddenFloods_AreAuditedAsAFewAggregatedRows()
    {
        await using var server = await SecureServer.StartAsync(s => s["Audit:SecurityEvents:WindowSeconds"] = "3600");
        var before = (await AuditTable.ReadAsync(server)).Count;

        var anonymous = await Task.WhenAll(Enumerable.Range(0, 50).Select(n => server.SendAsync(HttpMethod.Get,
            n % 2 == 0 ? "/api/v1/cases" : $"/api/v1/cases/{Guid.NewGuid()}", n % 4 == 1 ? "not-a-token-" + new string('z', 5000) : null)));
        var forbidden = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => server.SendAsync(HttpMethod.Get, "/fhir/AuditEvent",
            SecureServer.Token("coverage/cases.read", SecureServer.PortalA))));
        await server.StopGracefullyAsync();

        Assert.All(anonymous, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.All(forbidden, a => Assert.Equal(HttpStatusCode.Forbidden, a.Status));
        var rows = (await AuditTable.ReadAsync(server)).Skip(before).ToList();
        var failed = rows.Where(r => r.Action == "authentication-failed").ToList();
        Assert.InRange(failed.Count, 1, 4);
        Assert.Equal(50, failed.Sum(r => r.Occurrences));
        Assert.All(failed, r => Assert.Equal("127.0.0.1", r.Source));
        Assert.All(failed, r => Assert.DoesNotContain("zzzz", r.Detail + r.Subject, StringComparison.Ordinal));
        var denied = Assert.Single(rows, r => r.Action == "access-denied");
        Assert.Equal(10, denied.Occurrences);
        Assert.Equal(SecureServer.PortalA, denied.ActorClient);
        Assert.Equal("fhir/AuditEvent", denied.Subject);
        Assert.InRange(rows.Sum(r => r.TextLength), 1, 4096);
    }

    [Fact]
    public async Task ARefusedHead_IsAuditedAsAHead_NotAsTheGetItIsRoutedAs()
    {
        await using var server = await SecureServer.StartAsync();
        var before = (await AuditTable.ReadAsync(server)).Count;

        var (status, _, _) = await server.SendAsync(HttpMethod.Head, $"/api/v1/cases/{Guid.NewGuid()}", null);
        await server.StopGracefullyAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var row = Assert.Single((await AuditTable.ReadAsync(server)).Skip(before), r => r.Action == "authentication-failed");
        Assert.Contains("401 on HEAD /api/v1/cases/", row.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseIdProbing_IsAuditedAsOneAggregatedRowNamingTheCaller()
    {
        await using var server = await SecureServer.StartAsync(s => s["Audit:SecurityEvents:WindowSeconds"] = "3600");
        var before = (await AuditTable.ReadAsync(server)).Count;
        var token = SecureServer.Token("coverage/cases.read", SecureServer.PortalA);

        var probes = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{Guid.NewGuid()}", token)));
        await server.StopGracefullyAsync();

        Assert.All(probes, p => Assert.Equal(HttpStatusCode.NotFound, p.Status));
        var rows = (await AuditTable.ReadAsync(server)).Skip(before).Where(r => r.Action == "not-found").ToList();
        var row = Assert.Single(rows);
        Assert.Equal(30, row.Occurrences);
        Assert.Equal(SecureServer.PortalA, row.ActorClient);
    }
}
