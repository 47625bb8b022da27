using Coverage.Server.CdsHooks;
using Coverage.Server.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coverage.Server.Security;

/// <summary>
/// The API's description says how each operation is authorized, as this server checks it: an access token (OAuth 2.0
/// bearer JWT) holding one of the operation's scopes for the REST API and the FHIR operations, a CDS client's signed JWT
/// for the CDS services, nothing for the probes and discovery. Each protected operation lists its 401 and 403 answers
/// in the media type its path answers errors in. The scopes come from the same table the authorization policies are
/// built from (<see cref="ApiAuthentication.ScopesByPolicy"/>, <see cref="SubscriptionScopes.DocumentedByPolicy"/>), so
/// the description cannot drift from the checks. When authentication is off (Development only) nothing is required and
/// nothing is said.
/// </summary>
internal sealed class OpenApiSecurity(ApiAuthenticationOptions api, CdsHooksAuthenticationOptions cdsHooks)
    : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string AccessToken = "accessToken";
    public const string CdsClientToken = "cdsClientToken";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        if (api.Enabled)
            document.Components.SecuritySchemes[AccessToken] = BearerJwt(
                "An OAuth 2.0 access token (a JWT, RFC 9068) from one of the authorization servers this payer configures " +
                "(SMART Backend Services for systems; a user-context token for payer staff), for this server's audience, living at " +
                $"most {api.MaxTokenLifetimeMinutes} minutes. Its `scope` claim must hold one of the scopes an operation lists " +
                "(any one satisfies it). No token or a token refused: 401; a valid token without the scope: 403.");
        if (cdsHooks.Enabled)
            document.Components.SecuritySchemes[CdsClientToken] = BearerJwt(
                "CDS Hooks 2.0 client authentication: a JWT the EHR signs with a key it publishes (its configured JWK Set, " +
                "or an allowed `jku`), naming this service's URL as its audience, used once (`jti`) and living at most " +
                $"{cdsHooks.MaxLifetimeSeconds} seconds. Missing or refused: 401.");
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var path = "/" + (context.Description.RelativePath ?? "");
        var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
        var scopes = policies.SelectMany(ScopesOf).Distinct(StringComparer.Ordinal).ToList();
        if (api.Enabled && scopes.Count > 0)
        {
            var scheme = new OpenApiSecuritySchemeReference(AccessToken, context.Document);
            operation.Security = [.. scopes.Select(scope => new OpenApiSecurityRequirement { [scheme] = [scope] })];
            Refusal(operation, path, "401", "No access token, or one that is not valid here (the `WWW-Authenticate` header says `invalid_token`).");
            Refusal(operation, path, "403", $"The access token holds none of the scopes this operation takes ({string.Join(", ", scopes)}).");
        }
        else if (cdsHooks.Enabled && IsCdsService(path, context.Description.HttpMethod))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CdsClientToken, context.Document)] = [] }];
            Refusal(operation, path, "401", "No CDS client JWT, or one that is not valid for this service.");
        }
        return Task.CompletedTask;
    }

    /// <summary>A JWT sent as a bearer token in the Authorization header.</summary>
    private static OpenApiSecurityScheme BearerJwt(string description) =>
        new() { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT", Description = description };

    private static IEnumerable<string> ScopesOf(string policy) =>
        ApiAuthentication.ScopesByPolicy.TryGetValue(policy, out var scopes) ? scopes
        : SubscriptionScopes.DocumentedByPolicy.TryGetValue(policy, out var subscription) ? subscription
        : [];

    /// <summary>A hook call or its feedback (the discovery document, a GET, is public).</summary>
    private static bool IsCdsService(string path, string? method) =>
        string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) && path.StartsWith("/cds-services/", StringComparison.Ordinal);

    /// <summary>
    /// A refusal in the media type the path answers errors in: FHIR's OperationOutcome under /fhir and /cds-services (as
    /// the CDS services answer a refused JWT), a problem elsewhere.
    /// </summary>
    private static void Refusal(OpenApiOperation operation, string path, string status, string description)
    {
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey(status)) return;
        var mediaType = path.StartsWith("/fhir/", StringComparison.Ordinal) || path.StartsWith("/cds-services/", StringComparison.Ordinal)
            ? "application/fhir+json" : "application/problem+json";
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { [mediaType] = new OpenApiMediaType() },
        };
    }
}
