using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Forged and misused JWTs against the API (/api/v1, /fhir) and the CDS Hooks services of a Production server, as
/// an attack script writes them: by hand, header and payload chosen byte by byte, signed (or not) with keys the test
/// holds. Each must be refused; the one control token of each interface must pass, so that a refusal means the
/// forgery was seen and not that the test's tokens are broken.
/// </summary>
public sealed class TokenForgeryAttackTests : IAsyncLifetime
{
    private const string Service = "order-sign";
    private const string ApiIssuer = SecureServer.ApiIssuer;
    private const string OtherIssuer = SecureServer.OtherApiIssuer;
    private const string CdsIssuer = SecureServer.CdsIssuer;
    private static readonly string CdsPath = $"/cds-services/{Service}";
    private static readonly string CdsAudience = $"{SecureServer.PublicBaseUrl}{CdsPath}";
    private static readonly string OrderSign = Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString();

    private static readonly RSA ApiKey = RSA.Create(2048);
    private static readonly RSA OtherKey = RSA.Create(2048);
    private static readonly RSA CdsKey = RSA.Create(2048);
    private static readonly RSA AttackerKey = RSA.Create(2048);

    private SecureServer _server = null!;

    public async Task InitializeAsync() => _server = await SecureServer.StartAsync(s =>
    {
        s["Api:Authentication:Issuers:0:Jwks"] = Jwks(ApiKey, "api-key");
        s["Api:Authentication:Issuers:1:Jwks"] = Jwks(OtherKey, "other-key");
        s["CdsHooks:Authentication:Issuers:0:Jwks"] = Jwks(CdsKey, "cds-key");
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    // ------------------------------------------------------------------ hand-made JWTs

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Jwt(Dictionary<string, object?> header, Dictionary<string, object?> payload, Func<byte[], byte[]>? sign)
    {
        var input = Part(header.Where(p => p.Value is not null).ToDictionary()) + "." + Part(payload.Where(p => p.Value is not null).ToDictionary());
        return input + "." + (sign is null ? "" : Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(input))));
    }

    private static string Payload(Dictionary<string, object?> payload) =>
        JsonSerializer.Serialize(payload.Where(p => p.Value is not null).ToDictionary());

    /// <summary>A JWT whose payload is this exact JSON text (e.g. with a member given twice).</summary>
    private static string JwtWithPayloadText(Dictionary<string, object?> header, string payload, Func<byte[], byte[]> sign)
    {
        var input = Part(header.Where(p => p.Value is not null).ToDictionary()) + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload));
        return input + "." + Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static Func<byte[], byte[]> Rs256(RSA key) => data => key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private static Dictionary<string, object?> Header(string kid, string alg = "RS256", string typ = "at+jwt") => new() { ["alg"] = alg, ["typ"] = typ, ["kid"] = kid };

    private static Dictionary<string, object?> ApiPayload(string scope = "coverage/cases.read", string issuer = ApiIssuer, object? audience = null) => new()
    {
        ["iss"] = issuer,
        ["aud"] = audience ?? SecureServer.PublicBaseUrl,
        ["client_id"] = SecureServer.UmSystem,
        ["sub"] = SecureServer.UmSystem,
        ["scope"] = scope,
        ["iat"] = Now - 5,
        ["nbf"] = Now - 5,
        ["exp"] = Now + 600,
        ["jti"] = Guid.NewGuid().ToString(),
    };

    private static Dictionary<string, object?> CdsPayload(object? audience = null) => new()
    {
        ["iss"] = CdsIssuer,
        ["sub"] = "ehr-client",
        ["aud"] = audience ?? CdsAudience,
        ["iat"] = Now - 5,
        ["nbf"] = Now - 5,
        ["exp"] = Now + 240,
        ["jti"] = Guid.NewGuid().ToString(),
    };

    private static Dictionary<string, object?> With(Dictionary<string, object?> claims, string name, object? value)
    {
        var copy = new Dictionary<string, object?>(claims) { [name] = value };
        return copy;
    }

    private static string Jwks(RSA key, string kid) => $$"""{"keys":[{{Jwk(key, kid)}}]}""";

    private static string Jwk(RSA key, string kid)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = kid });
        return $$"""{"kty":"RSA","kid":"{{kid}}","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}""";
    }

    private static Dictionary<string, object?> JwkObject(RSA key, string kid) => JsonSerializer.Deserialize<Dictionary<string, object?>>(Jwk(key, kid))!;

    /// <summary>The forms of an RSA public key an attacker uses as an HMAC secret (key confusion).</summary>
    private static IEnumerable<byte[]> PublicKeyBytes(RSA key, string kid) =>
    [
        Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem()),
        Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem() + "\n"),
        key.ExportSubjectPublicKeyInfo(),
        Encoding.UTF8.GetBytes(Jwk(key, kid)),
        Encoding.UTF8.GetBytes(Jwks(key, kid)),
    ];

    // ------------------------------------------------------------------ the forgeries

    /// <summary>Forged API tokens, by name: each is sent to GET /api/v1/cases (read scope) and must be 401.</summary>
    private static IEnumerable<(string Name, string Token)> ApiForgeries()
    {
        var good = ApiPayload();
        yield return ("alg none, no signature", Jwt(Header("api-key", "none"), good, null));
        yield return ("alg None, no signature", Jwt(Header("api-key", "None"), good, null));
        yield return ("alg none, real signature kept", Jwt(Header("api-key", "none"), good, Rs256(ApiKey)));
        yield return ("no alg", Jwt(new() { ["typ"] = "at+jwt", ["kid"] = "api-key" }, good, Rs256(ApiKey)));
        var n = 0;
        foreach (var secret in PublicKeyBytes(ApiKey, "api-key"))
        {
            n++;
            yield return ($"HS256 with public key form {n}", Jwt(Header("api-key", "HS256"), good, data => HMACSHA256.HashData(secret, data)));
            yield return ($"HS384 with public key form {n}", Jwt(Header("api-key", "HS384"), good, data => HMACSHA384.HashData(secret, data)));
        }
        yield return ("kid of the other issuer's key, signed with it", Jwt(Header("other-key"), good, Rs256(OtherKey)));
        yield return ("no kid, signed with the other issuer's key", Jwt(new() { ["alg"] = "RS256", ["typ"] = "at+jwt" }, good, Rs256(OtherKey)));
        yield return ("kid with path text", Jwt(Header("../../../../dev/null"), good, Rs256(AttackerKey)));
        yield return ("kid with a URL", Jwt(Header("https://attacker.test/jwks.json"), good, Rs256(AttackerKey)));
        yield return ("kid with SQL", Jwt(Header("x' UNION SELECT 'secret"), good, Rs256(AttackerKey)));
        yield return ("embedded jwk of the attacker", Jwt(With(Header("api-key"), "jwk", JwkObject(AttackerKey, "api-key")), good, Rs256(AttackerKey)));
        yield return ("jku to the attacker", Jwt(With(Header("api-key"), "jku", "https://attacker.test/jwks.json"), good, Rs256(AttackerKey)));
        yield return ("x5u to the attacker", Jwt(With(Header("api-key"), "x5u", "https://attacker.test/cert.pem"), good, Rs256(AttackerKey)));
        yield return ("expired", Jwt(Header("api-key"), With(With(good, "exp", Now - 600), "iat", Now - 900), Rs256(ApiKey)));
        yield return ("not yet valid (nbf)", Jwt(Header("api-key"), With(With(good, "nbf", Now + 600), "exp", Now + 1200), Rs256(ApiKey)));
        yield return ("issued in the future (iat)", Jwt(Header("api-key"), With(With(good, "iat", Now + 86_400), "nbf", null), Rs256(ApiKey)));
        yield return ("no exp", Jwt(Header("api-key"), With(good, "exp", null), Rs256(ApiKey)));
        yield return ("no aud", Jwt(Header("api-key"), With(good, "aud", null), Rs256(ApiKey)));
        yield return ("wrong aud", Jwt(Header("api-key"), With(good, "aud", "https://coverage.other-payer.test"), Rs256(ApiKey)));
        yield return ("aud of the CDS service", Jwt(Header("api-key"), With(good, "aud", CdsAudience), Rs256(ApiKey)));
        yield return ("no iss", Jwt(Header("api-key"), With(good, "iss", null), Rs256(ApiKey)));
        yield return ("wrong iss", Jwt(Header("api-key"), With(good, "iss", "https://auth.attacker.test"), Rs256(ApiKey)));
        yield return ("iss of the other issuer, signed with the API key", Jwt(Header("api-key"), With(good, "iss", OtherIssuer), Rs256(ApiKey)));
        yield return ("signature of another token", Jwt(Header("api-key"), good, Rs256(ApiKey))[..^10] + "AAAAAAAAAA");
        // Signed by the real issuer, but naming no single client (session 38): each was accepted, the first three as one
        // organisation shared by every such token (audited as "unnamed-client" or ""), the list as its first entry.
        yield return ("no client_id", Jwt(Header("api-key"), With(good, "client_id", null), Rs256(ApiKey)));
        yield return ("no client_id and no sub", Jwt(Header("api-key"), With(With(good, "client_id", null), "sub", null), Rs256(ApiKey)));
        yield return ("client_id empty", Jwt(Header("api-key"), With(good, "client_id", ""), Rs256(ApiKey)));
        yield return ("client_id a space", Jwt(Header("api-key"), With(good, "client_id", " "), Rs256(ApiKey)));
        yield return ("client_id a list", Jwt(Header("api-key"), With(good, "client_id", new[] { SecureServer.PortalB, SecureServer.PortalA }), Rs256(ApiKey)));
        yield return ("client_id a list of one", Jwt(Header("api-key"), With(good, "client_id", new[] { SecureServer.UmSystem }), Rs256(ApiKey)));
        yield return ("client_id a number", Jwt(Header("api-key"), With(good, "client_id", 7), Rs256(ApiKey)));
        yield return ("client_id an object", Jwt(Header("api-key"), With(good, "client_id", new Dictionary<string, object> { ["id"] = SecureServer.UmSystem }), Rs256(ApiKey)));
        yield return ("client_id with a NUL", Jwt(Header("api-key"), With(good, "client_id", SecureServer.UmSystem + "\0"), Rs256(ApiKey)));
        yield return ("client_id with a line break", Jwt(Header("api-key"), With(good, "client_id", SecureServer.UmSystem + "\nforged"), Rs256(ApiKey)));
        yield return ("client_id with a trailing space", Jwt(Header("api-key"), With(good, "client_id", SecureServer.UmSystem + " "), Rs256(ApiKey)));
        yield return ("client_id of 129 characters", Jwt(Header("api-key"), With(good, "client_id", new string('c', 129)), Rs256(ApiKey)));
        yield return ("client_id twice", JwtWithPayloadText(Header("api-key"),
            Payload(good).TrimEnd('}') + $",\"client_id\":\"{SecureServer.PortalA}\"}}", Rs256(ApiKey)));
        yield return ("no client_id, azp a list", Jwt(Header("api-key"), With(With(good, "client_id", null), "azp", new[] { SecureServer.UmSystem }), Rs256(ApiKey)));
        yield return ("no client_id, azp empty", Jwt(Header("api-key"), With(With(good, "client_id", null), "azp", ""), Rs256(ApiKey)));
        yield return ("sub a list", Jwt(Header("api-key"), With(good, "sub", new[] { SecureServer.UmSystem }), Rs256(ApiKey)));
        yield return ("sub empty", Jwt(Header("api-key"), With(good, "sub", ""), Rs256(ApiKey)));
        yield return ("CDS client JWT", Jwt(Header("cds-key", typ: "JWT"), CdsPayload(), Rs256(CdsKey)));
        yield return ("CDS client JWT with the API audience", Jwt(Header("cds-key", typ: "JWT"), CdsPayload(SecureServer.PublicBaseUrl), Rs256(CdsKey)));
    }

    /// <summary>Forged CDS Hooks client JWTs, by name: each is sent to POST /cds-services/order-sign and must be 401.</summary>
    private static IEnumerable<(string Name, string Token)> CdsForgeries()
    {
        var good = CdsPayload();
        yield return ("alg none, no signature", Jwt(Header("cds-key", "none", "JWT"), good, null));
        yield return ("alg none, real signature kept", Jwt(Header("cds-key", "none", "JWT"), good, Rs256(CdsKey)));
        var n = 0;
        foreach (var secret in PublicKeyBytes(CdsKey, "cds-key"))
        {
            n++;
            yield return ($"HS256 with public key form {n}", Jwt(Header("cds-key", "HS256", "JWT"), good, data => HMACSHA256.HashData(secret, data)));
        }
        yield return ("kid of an API issuer's key, signed with it", Jwt(Header("api-key", typ: "JWT"), good, Rs256(ApiKey)));
        yield return ("kid with path text", Jwt(Header("../../../../dev/null", typ: "JWT"), good, Rs256(AttackerKey)));
        yield return ("kid with a URL", Jwt(Header("https://attacker.test/jwks.json", typ: "JWT"), good, Rs256(AttackerKey)));
        yield return ("embedded jwk of the attacker", Jwt(With(Header("cds-key", typ: "JWT"), "jwk", JwkObject(AttackerKey, "cds-key")), good, Rs256(AttackerKey)));
        yield return ("jku to the attacker", Jwt(With(Header("cds-key", typ: "JWT"), "jku", "https://attacker.test/jwks.json"), good, Rs256(AttackerKey)));
        yield return ("x5u to the attacker", Jwt(With(Header("cds-key", typ: "JWT"), "x5u", "https://attacker.test/cert.pem"), good, Rs256(AttackerKey)));
        yield return ("expired", Jwt(Header("cds-key", typ: "JWT"), With(With(good, "exp", Now - 300), "iat", Now - 400), Rs256(CdsKey)));
        yield return ("not yet valid (nbf)", Jwt(Header("cds-key", typ: "JWT"), With(good, "nbf", Now + 200), Rs256(CdsKey)));
        yield return ("issued in the future (iat)", Jwt(Header("cds-key", typ: "JWT"), With(With(good, "iat", Now + 86_400), "nbf", null), Rs256(CdsKey)));
        yield return ("no exp", Jwt(Header("cds-key", typ: "JWT"), With(good, "exp", null), Rs256(CdsKey)));
        yield return ("no aud", Jwt(Header("cds-key", typ: "JWT"), With(good, "aud", null), Rs256(CdsKey)));
        yield return ("aud of the server, not the service", Jwt(Header("cds-key", typ: "JWT"), With(good, "aud", SecureServer.PublicBaseUrl), Rs256(CdsKey)));
        yield return ("aud of another service", Jwt(Header("cds-key", typ: "JWT"), With(good, "aud", $"{SecureServer.PublicBaseUrl}/cds-services/order-select"), Rs256(CdsKey)));
        yield return ("aud over http", Jwt(Header("cds-key", typ: "JWT"), With(good, "aud", CdsAudience.Replace("https:", "http:", StringComparison.Ordinal)), Rs256(CdsKey)));
        yield return ("no iss", Jwt(Header("cds-key", typ: "JWT"), With(good, "iss", null), Rs256(CdsKey)));
        yield return ("wrong iss", Jwt(Header("cds-key", typ: "JWT"), With(good, "iss", "https://ehr.attacker.test"), Rs256(CdsKey)));
        yield return ("no jti", Jwt(Header("cds-key", typ: "JWT"), With(good, "jti", null), Rs256(CdsKey)));
        yield return ("the client's own claims and key, typ of an access token", Jwt(Header("cds-key", typ: "at+jwt"), good, Rs256(CdsKey)));
        yield return ("the client's own claims and key, typ of a logout token", Jwt(Header("cds-key", typ: "logout+jwt"), good, Rs256(CdsKey)));
        yield return ("API access token", Jwt(Header("api-key"), ApiPayload("coverage/cases.read coverage/cases.write"), Rs256(ApiKey)));
        yield return ("API access token with the service as audience", Jwt(Header("api-key"), ApiPayload(audience: CdsAudience), Rs256(ApiKey)));
    }

    // ------------------------------------------------------------------ the attacks

    [Fact]
    public async Task ForgedApiTokens_AreAll401_AndTheRealOnePasses()
    {
        var control = Jwt(Header("api-key"), ApiPayload(), Rs256(ApiKey));
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, "/api/v1/cases", control)).Status);

        var accepted = new List<string>();
        foreach (var (name, token) in ApiForgeries())
        {
            var (status, _, response) = await _server.SendAsync(HttpMethod.Get, "/api/v1/cases", token);
            if (status != HttpStatusCode.Unauthorized) accepted.Add($"{name}: {(int)status}");
            else Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.True(accepted.Count == 0, "not refused: " + string.Join("; ", accepted));
    }

    /// <summary>
    /// An issuer that names the client only by OpenID Connect's azp (no client_id) is still read, as that client: a
    /// submitter portal's token of that shape sees its organisation's case and not another's. With a client_id, the
    /// client_id is the client, whatever azp says.
    /// </summary>
    [Fact]
    public async Task AnApiTokenNamingItsClientByAzpOnly_IsThatClient()
    {
        var write = ApiPayload("coverage/cases.read coverage/cases.write");
        var byAzp = Jwt(Header("api-key"), With(With(With(write, "client_id", null), "sub", null), "azp", SecureServer.PortalA), Rs256(ApiKey));
        var json = Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId());
        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, "/api/v1/determinations", byAzp, json);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {body}");
        var caseId = JsonDocument.Parse(body).RootElement.GetProperty("caseId").GetString();

        var portalA = Jwt(Header("api-key"), With(With(write, "client_id", SecureServer.PortalA), "sub", SecureServer.PortalA), Rs256(ApiKey));
        var portalBWithAzpOfA = Jwt(Header("api-key"), With(With(With(write, "client_id", SecureServer.PortalB), "sub", SecureServer.PortalB), "azp", SecureServer.PortalA), Rs256(ApiKey));
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}", portalA)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}", portalBWithAzpOfA)).Status);
    }

    [Fact]
    public async Task ForgedCdsTokens_AreAll401_AndTheRealOnePasses()
    {
        var control = Jwt(Header("cds-key", typ: "JWT"), CdsPayload(), Rs256(CdsKey));
        var (ok, body, _) = await _server.SendAsync(HttpMethod.Post, CdsPath, control, OrderSign);
        Assert.True(ok == HttpStatusCode.OK, body);

        var accepted = new List<string>();
        foreach (var (name, token) in CdsForgeries())
        {
            var (status, _, response) = await _server.SendAsync(HttpMethod.Post, CdsPath, token, OrderSign);
            if (status != HttpStatusCode.Unauthorized) accepted.Add($"{name}: {(int)status}");
            else Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.True(accepted.Count == 0, "not refused: " + string.Join("; ", accepted));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("JWT")]
    [InlineData("jwt")]
    public async Task ACdsTokenWithoutTypOrTypJwt_IsAccepted(string? typ)
    {
        // RFC 7519 makes typ optional; CDS Hooks fixes it at JWT when sent (media types compare case-insensitively).
        var header = new Dictionary<string, object?> { ["alg"] = "RS256", ["typ"] = typ, ["kid"] = "cds-key" };
        var (status, body, _) = await _server.SendAsync(HttpMethod.Post, CdsPath, Jwt(header, CdsPayload(), Rs256(CdsKey)), OrderSign);
        Assert.True(status == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task ACdsTokenIsSingleUse_EvenOnAnotherServiceOrWithAnotherBody()
    {
        var token = Jwt(Header("cds-key", typ: "JWT"), CdsPayload(), Rs256(CdsKey));

        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, CdsPath, token, OrderSign)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.SendAsync(HttpMethod.Post, CdsPath, token, OrderSign)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.SendAsync(HttpMethod.Post, CdsPath, token, "{}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.SendAsync(HttpMethod.Post, "/cds-services/order-select", token, OrderSign)).Status);
    }

    [Theory]
    [InlineData("coverage/cases.read", "POST", "/api/v1/determinations")]
    [InlineData("coverage/cases.read", "POST", "/api/v1/cases/{case}/information")]
    [InlineData("coverage/cases.write", "POST", "/api/v1/cases/{case}/decisions")]
    [InlineData("coverage/cases.read", "GET", "/api/v1/cases/{case}/audit")]
    [InlineData("coverage/cases.read", "GET", "/fhir/AuditEvent")]
    [InlineData("patient/Claim.c", "POST", "/fhir/Claim/$submit")]
    [InlineData("user/Claim.c", "POST", "/fhir/Claim/$submit")]
    [InlineData("user/*.*", "POST", "/fhir/Claim/$submit")]
    [InlineData("patient/*.*", "POST", "/fhir/Claim/$inquire")]
    [InlineData("user/ClaimResponse.r", "POST", "/fhir/Claim/$inquire")]
    [InlineData("system/Claim.r", "POST", "/fhir/Claim/$submit")]
    [InlineData("system/ClaimResponse.r", "POST", "/fhir/Claim/$submit")]
    [InlineData("user/Subscription.c", "POST", "/fhir/Subscription")]
    [InlineData("patient/*.*", "POST", "/fhir/Subscription")]
    [InlineData("system/Subscription.r", "POST", "/fhir/Subscription")]
    [InlineData("system/Claim.c", "GET", "/api/v1/cases")]
    [InlineData("coverage/cases.readx coverage/cases", "GET", "/api/v1/cases")]
    [InlineData("COVERAGE/CASES.READ", "GET", "/api/v1/cases")]
    public async Task AScopeAllowsOnlyWhatItNames(string scope, string method, string path)
    {
        var token = Jwt(Header("api-key"), ApiPayload(scope), Rs256(ApiKey));
        var contentType = path.StartsWith("/fhir", StringComparison.Ordinal) ? "application/fhir+json" : "application/json";

        var (status, body, _) = await _server.SendAsync(new HttpMethod(method), path.Replace("{case}", Guid.NewGuid().ToString(), StringComparison.Ordinal), token,
            method == "POST" ? "{}" : null, contentType);

        Assert.True(status == HttpStatusCode.Forbidden, $"{scope} on {method} {path}: {(int)status} {body}");
    }
}
