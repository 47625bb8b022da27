using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coverage.Server.Security;
using Coverage.Server.Subscriptions;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// The API's description against the server it describes (<see cref="OpenApiSecurity"/>), on a Production-configured
/// server: every operation the OpenAPI document says takes an access token is 401 without one, 403 with a token holding
/// another scope, and passes authorization with each scope it lists; an operation the document leaves open is open;
/// the CDS services say they take the CDS client's JWT.
/// </summary>
public sealed partial class OpenApiSecurityTests : IAsyncLifetime
{
    private SecureServer _server = null!;

    public async Task InitializeAsync() => _server = await SecureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed record Operation(string Method, string Path, IReadOnlyList<(string Scheme, string? Scope)> Alternatives, IReadOnlyDictionary<string, string?> Responses)
    {
        /// <summary>The media type the document gives for an answer's status.</summary>
        public string? MediaTypeOf(string status) => Responses.GetValueOrDefault(status);

        public override string ToString() => $"{Method} {Path}";
    }

    private async Task<(JsonElement Document, List<Operation> Operations)> DescribedAsync()
    {
        var (status, body, _) = await _server.SendAsync(HttpMethod.Get, "/openapi/v1.json", token: null);
        Assert.Equal(HttpStatusCode.OK, status);
        var document = JsonDocument.Parse(body).RootElement;
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name != "parameters"))
            {
                var alternatives = new List<(string, string?)>();
                if (method.Value.TryGetProperty("security", out var security))
                    foreach (var requirement in security.EnumerateArray())
                        foreach (var scheme in requirement.EnumerateObject())
                            alternatives.Add((scheme.Name, scheme.Value.GetArrayLength() == 0 ? null : Assert.Single(scheme.Value.EnumerateArray()).GetString()));
                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, alternatives,
                    method.Value.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name,
                        r => r.Value.TryGetProperty("content", out var content) ? content.EnumerateObject().Select(c => c.Name).FirstOrDefault() : null)));
            }
        return (document, operations);
    }

    /// <summary>The path with its parameters filled: a CDS service that exists, a case or resource id that does not.</summary>
    private static string Concrete(string path) =>
        PathParameter().Replace(path, _ => path.StartsWith("/cds-services/", StringComparison.Ordinal) ? "order-sign" : Guid.NewGuid().ToString());

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Call(Operation operation, string? token)
    {
        var hasBody = operation.Method is "POST" or "PUT";
        return _server.SendAsync(new HttpMethod(operation.Method), Concrete(operation.Path), token,
            hasBody ? "{}" : null, operation.Path.StartsWith("/fhir/", StringComparison.Ordinal) ? "application/fhir+json" : "application/json");
    }

    /// <summary>A token for a scope: deciding is a physician's (a user-context token), everything else the payer's system's.</summary>
    private static string TokenFor(string scope) => scope == ApiScopes.CasesDecide
        ? SecureServer.Token(scope, SecureServer.ReviewApp, subject: SecureServer.Physician)
        : SecureServer.Token(scope, SecureServer.UmSystem);

    [Fact]
    public async Task TheDocument_DeclaresTheAccessTokenAndTheCdsClientToken()
    {
        var (document, _) = await DescribedAsync();

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        foreach (var name in new[] { OpenApiSecurity.AccessToken, OpenApiSecurity.CdsClientToken })
        {
            var scheme = schemes.GetProperty(name);
            Assert.Equal("http", scheme.GetProperty("type").GetString());
            Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
            Assert.Equal("JWT", scheme.GetProperty("bearerFormat").GetString());
        }
    }

    [Fact]
    public async Task EveryOperationTakingAnAccessToken_Is401WithoutOne_403WithAnotherScope_AndAuthorizedWithEachScopeItLists()
    {
        var (_, operations) = await DescribedAsync();
        var protectedOperations = operations.Where(o => o.Alternatives.Any(a => a.Scheme == OpenApiSecurity.AccessToken)).ToList();
        Assert.True(protectedOperations.Count >= 30, $"{protectedOperations.Count} protected operations described");
        var unrelated = SecureServer.Token("coverage/unrelated.read", SecureServer.UmSystem);

        foreach (var operation in protectedOperations)
        {
            Assert.True(operation.Responses.ContainsKey("401") && operation.Responses.ContainsKey("403"), $"{operation} lists no 401 or 403");
            Assert.All(operation.Alternatives, a => Assert.Equal(OpenApiSecurity.AccessToken, a.Scheme));
            var (anonymous, anonymousBody, anonymousResponse) = await Call(operation, token: null);
            Assert.True(anonymous == HttpStatusCode.Unauthorized, $"{operation} without a token: {(int)anonymous} {anonymousBody}");
            Assert.Equal(operation.MediaTypeOf("401"), anonymousResponse.Content.Headers.ContentType?.MediaType);
            var (other, otherBody, otherResponse) = await Call(operation, unrelated);
            Assert.True(other == HttpStatusCode.Forbidden, $"{operation} with another scope: {(int)other} {otherBody}");
            if (operation.MediaTypeOf("403") is { } forbidden) Assert.Equal(forbidden, otherResponse.Content.Headers.ContentType?.MediaType);
            foreach (var (_, scope) in operation.Alternatives)
            {
                var (status, body, _) = await Call(operation, TokenFor(scope!));
                Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{operation} with {scope}: {(int)status} {body}");
            }
        }
    }

    [Fact]
    public async Task OperationsTheDocumentLeavesOpen_AreOpen_AndTheCdsServicesTakeTheClientsJwt()
    {
        var (_, operations) = await DescribedAsync();

        var open = operations.Where(o => o.Alternatives.Count == 0).ToList();
        Assert.Equal(["GET /cds-services", "GET /fhir/metadata", "GET /health", "GET /ping", "GET /policies/{id}"],
            open.Select(o => o.ToString()).Order(StringComparer.Ordinal));
        foreach (var operation in open)
        {
            var (status, _, _) = await Call(operation, token: null);
            Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{operation}: {(int)status}");
        }

        var hooks = operations.Where(o => o.Alternatives.Any(a => a.Scheme == OpenApiSecurity.CdsClientToken)).ToList();
        Assert.Equal(["POST /cds-services/{id}", "POST /cds-services/{id}/feedback"], hooks.Select(o => o.ToString()).Order(StringComparer.Ordinal));
        foreach (var operation in hooks)
        {
            var (status, _, response) = await Call(operation, token: null);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(operation.MediaTypeOf("401"), response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public void EveryScopeDescribedForASubscriptionInteraction_AllowsIt()
    {
        var letters = new Dictionary<string, char>
        {
            [SubscriptionScopes.CreatePolicy] = 'c', [SubscriptionScopes.ReadPolicy] = 'r', [SubscriptionScopes.UpdatePolicy] = 'u', [SubscriptionScopes.DeletePolicy] = 'd',
        };

        Assert.Equal(letters.Keys.Order(StringComparer.Ordinal), SubscriptionScopes.DocumentedByPolicy.Keys.Order(StringComparer.Ordinal));
        foreach (var (policy, scopes) in SubscriptionScopes.DocumentedByPolicy)
            Assert.All(scopes, scope => Assert.True(SubscriptionScopes.Allows(scope, letters[policy]), $"{scope} for {policy}"));
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
