using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Benchmarks;

/// <summary>
/// The pieces of a CDS Hooks order-sign call that issue 16 changed, each the way it was (text round trips, parameters
/// made per call, the token parsed twice) beside the way it is now, on the sample call (samples/cds-order-sign.json):
/// Firely reading the prefetched resources and the draft orders, Firely writing the updated order into the answer,
/// and the check of the client's RS384 JWT. Run with BenchmarkDotNet (--filter '*HookPieces*') or, on a busy
/// machine, the `pieces` command (CPU time per operation, old and new interleaved in one run).
/// </summary>
[MemoryDiagnoser]
public class HookPieces
{
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());
    private static readonly JsonWriterOptions AnswerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private JsonDocument _call = null!;
    private JsonElement[] _resources = [];
    private Resource _order = null!;
    private readonly JsonWebTokenHandler _handler = new();
    private string _jwt = "";
    private IList<SecurityKey> _keys = [];
    private TokenValidationParameters _cached = null!;
    private const string Issuer = "https://load-client.test";
    private const string Audience = "http://127.0.0.1:5090/cds-services/order-sign";

    [GlobalSetup]
    public void Setup()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var path = Path.Combine(root, "samples", "cds-order-sign.json");
        if (!File.Exists(path)) path = Path.Combine(Directory.GetCurrentDirectory(), "samples", "cds-order-sign.json");
        _call = JsonDocument.Parse(File.ReadAllBytes(path));
        var prefetch = _call.RootElement.GetProperty("prefetch");
        _resources = [_call.RootElement.GetProperty("context").GetProperty("draftOrders"), prefetch.GetProperty("patient"), prefetch.GetProperty("coverage")];
        _order = ((Bundle)FhirJson.Parse(_resources[0], "context.draftOrders", out _)!).Entry[0].Resource!;

        using var rsa = RSA.Create(2048);
        var signing = new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = "k1" };
        _jwt = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, IssuedAt = DateTime.UtcNow, Expires = DateTime.UtcNow.AddMinutes(4.5),
            Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString() },
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha384),
        });
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        _keys = new JsonWebKeySet($$"""{"keys":[{"kty":"RSA","n":"{{jwk.N}}","e":"{{jwk.E}}","kid":"k1","use":"sig","alg":"RS384"}]}""").GetSigningKeys();
        _cached = Parameters(_keys);
    }

    [GlobalCleanup]
    public void Cleanup() => _call.Dispose();

    private static TokenValidationParameters Parameters(IList<SecurityKey> keys) => new()
    {
        ValidIssuer = Issuer, ValidAudience = Audience, IssuerSigningKeys = keys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha384], RequireExpirationTime = true, RequireSignedTokens = true, ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(60), LifetimeValidator = (_, expires, _, _) => expires > DateTime.UtcNow,
    };

    /// <summary>Before: each resource's JSON text (GetRawText), parsed by Firely from that text.</summary>
    [Benchmark(Baseline = true)]
    public int ParseResourcesViaText()
    {
        var n = 0;
        foreach (var element in _resources) n += Deserializer.DeserializeResource(element.GetRawText()) is null ? 0 : 1;
        return n;
    }

    /// <summary>After: each resource read by Firely's UTF-8 reader from the request's own bytes.</summary>
    [Benchmark]
    public int ParseResourcesFromRequestBytes()
    {
        var n = 0;
        foreach (var element in _resources) n += FhirJson.Parse(element, "prefetch", out _) is null ? 0 : 1;
        return n;
    }

    /// <summary>Before: the updated order serialised to text, then written (and validated again) as a raw value.</summary>
    [Benchmark]
    public long WriteOrderViaText()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, AnswerOptions)) writer.WriteRawValue(_order.ToJson());
        return stream.Length;
    }

    /// <summary>After: the updated order written by Firely's serializer straight into the answer's writer.</summary>
    [Benchmark]
    public long WriteOrderDirect()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, AnswerOptions)) FhirJson.Write(_order, writer);
        return stream.Length;
    }

    /// <summary>Before: the token read, then its text validated (read again) with parameters made for the call.</summary>
    [Benchmark]
    public bool CheckJwtTextAndNewParameters()
    {
        var token = _handler.ReadJsonWebToken(_jwt);
        return token.Kid is not null && _handler.ValidateTokenAsync(_jwt, Parameters(_keys)).GetAwaiter().GetResult().IsValid;
    }

    /// <summary>After: the token read once and validated as read, with the parameters made once.</summary>
    [Benchmark]
    public bool CheckJwtReadOnceCachedParameters()
    {
        var token = _handler.ReadJsonWebToken(_jwt);
        return token.Kid is not null && _handler.ValidateTokenAsync(token, _cached).GetAwaiter().GetResult().IsValid;
    }

    /// <summary>
    /// The `pieces` command: each pair old/new run in turns (<see cref="PieceTimer"/>), CPU time and bytes allocated per operation.
    /// </summary>
    public static int Measure(int operations)
    {
        var pieces = new HookPieces();
        pieces.Setup();
        (string Name, Func<object> Run)[] all =
        [
            ("parse 3 resources, via text", () => pieces.ParseResourcesViaText()),
            ("parse 3 resources, from the request's bytes", () => pieces.ParseResourcesFromRequestBytes()),
            ("write the updated order, via text", () => pieces.WriteOrderViaText()),
            ("write the updated order, direct", () => pieces.WriteOrderDirect()),
            ("check the JWT, text twice + new parameters", () => pieces.CheckJwtTextAndNewParameters()),
            ("check the JWT, read once + cached parameters", () => pieces.CheckJwtReadOnceCachedParameters()),
        ];
        var measured = PieceTimer.Measure(all, operations);
        for (var p = 0; p < all.Length; p++)
            Console.WriteLine($"pieces: {all[p].Name,-46} {measured[p].Microseconds,8:N1} µs CPU, {measured[p].Bytes,8:N0} B allocated per operation");
        pieces.Cleanup();
        return 0;
    }
}
