using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Issue 12, finding 2, replayed against the Production-configured server: look-alike letters, fullwidth
/// forms, invisible and combining characters never move a denied service out of review, and ids take
/// printable ASCII only.
/// </summary>
public sealed class UnicodeAttackTests : IAsyncLifetime
{
    private SecureServer _server = null!;
    private readonly string _token = SecureServer.Token("coverage/cases.write coverage/cases.read", SecureServer.PortalA);

    public async Task InitializeAsync() => _server = await SecureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Unlisted(string description, string? requestId = null)
    {
        var request = JsonNode.Parse(CoverageApp.Sample("unlisted-without-description.json"))!;
        request["requestId"] = requestId ?? "U-" + Guid.NewGuid().ToString("N")[..10];
        request["serviceLines"]![0]!["description"] = description;
        return request.ToJsonString();
    }

    [Theory]
    [InlineData("Percutaneous \u0441ryoablation of a left breast carcinoma")] // Cyrillic es
    [InlineData("Percutaneous \uFF43\uFF52\uFF59\uFF4F\uFF41\uFF42\uFF4C\uFF41\uFF54\uFF49\uFF4F\uFF4E of a left breast carcinoma")] // fullwidth
    [InlineData("Percutaneous cryo\u200Bablation of a left breast carcinoma")] // zero-width space
    [InlineData("Percutaneous cryoabla\u0301tion of a left breast carcinoma")] // combining acute
    [InlineData("Percutaneous cr\u0443oablation of a left breast carcinoma")] // Cyrillic u in a Latin word
    [InlineData("Percutaneous \u202Enoitalbaoyrc of a left breast carcinoma")] // right-to-left override
    public async Task ADisguisedModality_IsNeverFinal(string description)
    {
        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", _token, Unlisted(description));

        Assert.Equal(HttpStatusCode.Created, status);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.NotEqual("final", root.Str("status"));
        var line = root.GetProperty("determination").GetProperty("lines")[0];
        Assert.True(line.Str("outcome") is "not-medically-necessary" or "information-required", line.Str("outcome"));
    }

    [Theory]
    [InlineData("requestId", "REQ-\u202E1001")]
    [InlineData("requestId", "REQ-\u200B1001")]
    [InlineData("member.id", "M-\u200D91")]
    [InlineData("serviceLines[0].code", "\u212A0001")] // Kelvin sign, not K
    [InlineData("serviceLines[0].code", "\uFF10\uFF15\uFF18\uFF11T")] // fullwidth digits
    public async Task ANonAsciiId_Is400NamingTheField(string field, string value)
    {
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!;
        switch (field)
        {
            case "requestId": request["requestId"] = value; break;
            case "member.id": request["member"]!["id"] = value; break;
            default: request["serviceLines"]![0]!["code"] = value; break;
        }

        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", _token, request.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }
}
