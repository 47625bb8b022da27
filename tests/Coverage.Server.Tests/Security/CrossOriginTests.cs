using System.Net;
using System.Text;
using Coverage.Server.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// CORS for browser-based CDS clients and DTR apps (CDS Hooks 2.0, "Cross-Origin Resource Sharing"): on the
/// configured origins, on /cds-services and /fhir only, a preflight answered without a token, never with credentials;
/// off by default.
/// </summary>
public sealed class CrossOriginTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private const string Ehr = "https://ehr.example.org";

    private CoverageApp App(params string[] origins) => new(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        for (var i = 0; i < origins.Length; i++) builder.UseSetting($"Cors:AllowedOrigins:{i}", origins[i]);
    });

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    /// <summary>Cors:AllowedOrigins as the server reads it from its settings.</summary>
    private static IConfiguration Settings(params string[] origins) => new ConfigurationBuilder()
        .AddInMemoryCollection(origins.Select((origin, i) => KeyValuePair.Create($"Cors:AllowedOrigins:{i}", (string?)origin))).Build();

    private static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;

    [Theory]
    [InlineData("/cds-services/order-sign-crd")]
    [InlineData("/fhir/Claim/$submit")]
    [InlineData("/fhir/Questionnaire/$questionnaire-package")]
    public async Task APreflightFromAConfiguredOrigin_IsAnsweredWithoutAToken(string path)
    {
        await using var app = App(Ehr);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Preflight(path, Ehr));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Ehr, AllowedOrigin(response));
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        // Never with credentials: a cookie (the workbench's session) must not ride along from another origin.
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task TheAnswersOfAConfiguredOrigin_CarryItsOrigin_RefusalsIncluded()
    {
        await using var app = App(Ehr);
        using var client = app.CreateClient();

        using var discovery = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        discovery.Headers.Add("Origin", Ehr);
        using var services = await client.SendAsync(discovery);
        // A browser app must be able to read why it was refused (here: a body that is not a Bundle).
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/fhir/Claim/$submit")
        {
            Content = new StringContent("{\"resourceType\":\"Patient\"}", Encoding.UTF8, "application/fhir+json"),
        };
        submit.Headers.Add("Origin", Ehr);
        using var refused = await client.SendAsync(submit);

        Assert.Equal(HttpStatusCode.OK, services.StatusCode);
        Assert.Equal(Ehr, AllowedOrigin(services));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(Ehr, AllowedOrigin(refused));
    }

    [Fact]
    public async Task OnAProductionServerWithAuthenticationOn_APreflightNeedsNoToken_AndTheCallStillDoes()
    {
        await using var server = await SecureServer.StartAsync(settings => settings["Cors:AllowedOrigins:0"] = Ehr);

        using var preflight = await server.Http.SendAsync(Preflight("/fhir/Claim/$submit", Ehr));
        using var call = new HttpRequestMessage(HttpMethod.Post, "/fhir/Claim/$submit")
        {
            Content = new StringContent(CoverageApp.Sample("pas-submit-bundle.json"), Encoding.UTF8, "application/fhir+json"),
        };
        call.Headers.Add("Origin", Ehr);
        using var unauthenticated = await server.Http.SendAsync(call);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Ehr, AllowedOrigin(preflight));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(Ehr, AllowedOrigin(unauthenticated)); // the browser app can read why
    }

    [Fact]
    public async Task AnotherOrigin_GetsNoCorsHeaders()
    {
        await using var app = App(Ehr);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Preflight("/cds-services/order-sign-crd", "https://evil.example"));

        Assert.Null(AllowedOrigin(response));
    }

    [Theory]
    [InlineData("/api/v1/cases")]
    [InlineData("/workbench")]
    public async Task PathsOtherThanCdsHooksAndFhir_GetNoCorsHeaders_EvenForAConfiguredOrigin(string path)
    {
        await using var app = App(Ehr);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Preflight(path, Ehr, "GET"));

        Assert.Null(AllowedOrigin(response));
    }

    [Fact]
    public async Task WithNoOriginConfigured_NothingIsShared()
    {
        await using var app = App();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Preflight("/cds-services/order-sign-crd", Ehr));

        Assert.Null(AllowedOrigin(response));
    }

    [Fact]
    public async Task AnyOrigin_WhenConfiguredAsAStar_IsAllowedWithoutCredentials()
    {
        await using var app = App("*");
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Preflight("/fhir/Claim/$inquire", "https://any.example"));

        Assert.Equal("*", AllowedOrigin(response));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("https://ehr.example.org/", "is not an origin")]
    [InlineData("https://ehr.example.org/launch", "is not an origin")]
    [InlineData("ehr.example.org", "is not an origin")]
    [InlineData("ftp://ehr.example.org", "is not an origin")]
    public void AnOriginThatIsNotOne_StopsTheServerNamingIt(string origin, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CrossOrigin.Origins(Settings(origin)));

        Assert.Contains($"'{origin}' {reason}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://EHR.example.org")]
    [InlineData("http://localhost:3000")]
    public void AnOriginWithAPortOrCapitals_IsOne(string origin)
    {
        Assert.Equal([origin], CrossOrigin.Origins(Settings(origin)));
    }

    [Fact]
    public void AStarBesideOrigins_StopsTheServer()
    {
        Assert.Throws<InvalidOperationException>(() => CrossOrigin.Origins(Settings(Ehr, "*")));
    }
}
