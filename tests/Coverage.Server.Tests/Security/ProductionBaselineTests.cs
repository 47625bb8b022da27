using System.Net;

namespace Coverage.Server.Tests.Security;

/// <summary>The Production-configured server the regression suite attacks: it starts, and nothing gets in without a token.</summary>
public sealed class ProductionBaselineTests
{
    [Fact]
    public async Task Production_server_starts_and_refuses_anonymous_case_reads()
    {
        await using var server = await SecureServer.StartAsync();
        var (status, _, _) = await server.SendAsync(HttpMethod.Get, "/api/v1/cases", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var (withToken, _, _) = await server.SendAsync(HttpMethod.Get, "/api/v1/cases", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem));
        Assert.Equal(HttpStatusCode.OK, withToken);
    }
}
