using System.Text.Json;

namespace Coverage.Fhir.Crd;

/// <summary>The FHIR access the EHR grants with a hook call (CDS Hooks 2.0 fhirAuthorization).</summary>
public sealed record FhirAccess(Uri Server, string AccessToken);

/// <summary>A CDS Hooks 2.0 request, read as far as CRD needs it; FHIR resources stay as JSON until mapped.</summary>
public sealed record CdsHookRequest
{
    public required string Hook { get; init; }
    public required string HookInstance { get; init; }
    public FhirAccess? FhirAccess { get; init; }
    public required JsonElement Context { get; init; }
    /// <summary>Prefetch entries by key; a key the EHR could not fill is absent.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Prefetch { get; init; }
    public string? PatientId { get; init; }
    /// <summary>The request's davinci-crd.configuration, as far as this server honours it.</summary>
    public CrdConfiguration Configuration { get; init; } = CrdConfiguration.Default;

    /// <summary>Reads the request, or returns the reason it is malformed (400).</summary>
    public static CdsHookRequest? Read(JsonElement root, string expectedHook, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The request must be a JSON object.";
            return null;
        }
        static string? Text(JsonElement parent, string name)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }

        var hook = Text(root, "hook");
        if (hook is null) { error = "hook: required"; return null; }
        if (hook != expectedHook) { error = $"hook: this service answers '{expectedHook}', not '{hook}'"; return null; }
        var hookInstance = Text(root, "hookInstance");
        if (string.IsNullOrWhiteSpace(hookInstance)) { error = "hookInstance: required"; return null; }
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            error = "context: required (an object)";
            return null;
        }

        FhirAccess? access = null;
        var fhirServer = Text(root, "fhirServer");
        if (root.TryGetProperty("fhirAuthorization", out var authorization) && authorization.ValueKind == JsonValueKind.Object)
        {
            var token = Text(authorization, "access_token");
            if (fhirServer is null) { error = "fhirServer: required with fhirAuthorization"; return null; }
            if (!Uri.TryCreate(fhirServer, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            {
                error = "fhirServer: must be an absolute http(s) URL";
                return null;
            }
            if (string.IsNullOrEmpty(token)) { error = "fhirAuthorization.access_token: required"; return null; }
            if (Text(authorization, "token_type") is { } type && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                error = "fhirAuthorization.token_type: must be Bearer";
                return null;
            }
            access = new FhirAccess(server, token);
        }

        var prefetch = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("prefetch", out var prefetchElement))
        {
            if (prefetchElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in prefetchElement.EnumerateObject())
                    if (entry.Value.ValueKind != JsonValueKind.Null) prefetch[entry.Name] = entry.Value.Clone();
            }
            else if (prefetchElement.ValueKind != JsonValueKind.Null)
            {
                error = "prefetch: must be an object";
                return null;
            }
        }

        return new CdsHookRequest
        {
            Hook = hook,
            HookInstance = hookInstance,
            FhirAccess = access,
            Context = context.Clone(),
            Prefetch = prefetch,
            PatientId = Text(context, "patientId"),
            Configuration = CrdConfiguration.Read(root.TryGetProperty("extension", out var extension) ? extension : null),
        };
    }
}
