using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Issue 12, finding 3, as a reviewer sees it: a description added to a case headed to review holds its line
/// for a physician, who sees every addition of information with its sender and values and confirms the line.
/// </summary>
public sealed class WorkbenchHeldLineTests : IAsyncLifetime
{
    private SecureServer _server = null!;

    public async Task InitializeAsync() => _server = await SecureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AHeldLine_IsShownWithTheInformationAdded_AndAPhysicianConfirmsIt()
    {
        var portal = SecureServer.Token("coverage/cases.write coverage/cases.read", SecureServer.PortalA);
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!.AsObject();
        request["requestId"] = "HELD-1";
        request["serviceLines"]!.AsArray().Add(new JsonObject { ["sequence"] = 2, ["code"] = "19499", ["units"] = 1 });
        var (_, created, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", portal, request.ToJsonString());
        var caseId = JsonDocument.Parse(created).RootElement.Str("caseId");
        var (added, _, _) = await _server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/information", portal,
            """{"serviceLines":[{"sequence":2,"description":"Excision of a benign skin lesion of the back"}]}""");
        Assert.Equal(HttpStatusCode.OK, added);

        var physician = new WorkbenchClient(_server);
        Assert.Equal(HttpStatusCode.Redirect, (await physician.SignInAsync(SecureServer.Physician, SecureServer.PhysicianPassword)).Status);
        var (status, page, _) = await physician.GetAsync($"/workbench/cases/{caseId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"line-2-held\"", page, StringComparison.Ordinal);
        Assert.Contains("Information added", page, StringComparison.Ordinal);
        Assert.Contains("Excision of a benign skin lesion of the back", page, StringComparison.Ordinal);
        Assert.Contains(SecureServer.PortalA, page, StringComparison.Ordinal);

        var (confirmed, _, _) = await physician.PostFormAsync($"/workbench/cases/{caseId}?handler=Decide",
            new Dictionary<string, string> { ["sequence"] = "2", ["action"] = "uphold", ["rationale"] = "The added description is not a service any policy addresses." },
            formPage: $"/workbench/cases/{caseId}");
        Assert.Equal(HttpStatusCode.Redirect, confirmed);
        var (_, after, _) = await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem));
        var decision = JsonDocument.Parse(after).RootElement.GetProperty("decisions").EnumerateArray().Single();
        Assert.Equal(2, decision.GetProperty("sequence").GetInt32());
        Assert.Equal(SecureServer.Physician, decision.Str("reviewerId"));
    }
}
