using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coverage.Fhir.Crd;

/// <summary>The FHIR access the EHR grants with a hook call (CDS Hooks 2.0 fhirAuthorization).</summary>
public sealed record FhirAccess(Uri Server, string AccessToken);

/// <summary>Why a hook request is malformed: the member, by its path in the request (none for the request itself), and the reason.</summary>
public sealed record HookRequestError(string? Path, string Reason)
{
    /// <summary>The error as said to the caller and audited: the path, then the reason.</summary>
    public string Message => Path is null ? Reason : $"{Path}: {Reason}";
}

/// <summary>A CDS Hooks 2.0 request, read as far as CRD needs it; FHIR resources stay as JSON until mapped.</summary>
public sealed partial record CdsHookRequest
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

    /// <summary>
    /// Reads the request, or returns the reason it is malformed (400), naming the field. Every member CDS Hooks 2.0 gives a
    /// type is read with that type, present or not (JSON null is absent): a fhirServer that is a number, a fhirAuthorization
    /// that is a string, a patientId that is an object is refused, never silently ignored. What is put in a URL or a header
    /// is read exactly: context.patientId, context.encounterId and fhirAuthorization.patient are FHIR ids (never "." or
    /// ".."), the access token is an RFC 6750 b64token (never empty, blank, or holding a line break or NUL).
    /// </summary>
    public static CdsHookRequest? Read(JsonElement root, string expectedHook, out HookRequestError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new(null, "The request must be a JSON object.");
            return null;
        }

        if (!Text(root, "hook", "hook", out var hook, ref error)) return null;
        if (hook is null) { error = new("hook", "required"); return null; }
        if (hook != expectedHook) { error = new("hook", $"this service answers '{expectedHook}', not '{Engine.Validation.InputEcho.Truncate(hook)}'"); return null; }
        if (!Text(root, "hookInstance", "hookInstance", out var hookInstance, ref error)) return null;
        if (string.IsNullOrWhiteSpace(hookInstance)) { error = new("hookInstance", "required"); return null; }
        // Not required to be a UUID (docs/crd-pas.md "Errors"; the Inferno CRD kit itself sends one that is not), but text:
        // a NUL, a line break or another control character is no client's instance id.
        if (Engine.Validation.ControlCharacters.In(hookInstance)) { error = new("hookInstance", "must not contain control characters (CDS Hooks: a UUID)"); return null; }
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            error = new("context", "required (an object)");
            return null;
        }
        if (!Text(context, "userId", "context.userId", out _, ref error)) return null;
        if (!Id(context, "patientId", "context.patientId", out var patientId, ref error)) return null;
        if (!Id(context, "encounterId", "context.encounterId", out _, ref error)) return null;

        if (!Text(root, "fhirServer", "fhirServer", out var fhirServer, ref error)) return null;
        Uri? server = null;
        if (fhirServer is not null && (!Uri.TryCreate(fhirServer, UriKind.Absolute, out server) || server.Scheme is not ("https" or "http")))
        {
            error = new("fhirServer", "must be an absolute http(s) URL");
            return null;
        }
        var access = ReadAuthorization(root, server, ref error);
        if (error is not null) return null;

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
                error = new("prefetch", "must be an object");
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
            PatientId = patientId,
            Configuration = CrdConfiguration.Read(root.TryGetProperty("extension", out var extension) ? extension : null),
        };
    }

    /// <summary>
    /// fhirAuthorization (CDS Hooks 2.0): an object with access_token (required), token_type "Bearer", expires_in an
    /// integer, scope and subject strings, patient a FHIR id. The members this server does not use are optional here, as
    /// they were; each one present must have its type.
    /// </summary>
    private static FhirAccess? ReadAuthorization(JsonElement root, Uri? server, ref HookRequestError? error)
    {
        if (!root.TryGetProperty("fhirAuthorization", out var authorization) || authorization.ValueKind == JsonValueKind.Null) return null;
        if (authorization.ValueKind != JsonValueKind.Object) { error = new("fhirAuthorization", "must be an object"); return null; }
        if (server is null) { error = new("fhirServer", "required with fhirAuthorization"); return null; }
        if (!Text(authorization, "access_token", "fhirAuthorization.access_token", out var token, ref error)) return null;
        if (string.IsNullOrEmpty(token)) { error = new("fhirAuthorization.access_token", "required"); return null; }
        if (!IsB64Token(token))
        {
            // It goes into the Authorization header of each read from the FHIR server: a CR, LF or NUL there was a 500
            // (and, sent, a header of the client's choosing); a blank one was sent as "Bearer  ".
            error = new("fhirAuthorization.access_token", "must be an RFC 6750 bearer token (letters, digits and -._~+/, then any '='; no spaces or control characters)");
            return null;
        }
        if (!Text(authorization, "token_type", "fhirAuthorization.token_type", out var type, ref error)) return null;
        if (type is not null && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            error = new("fhirAuthorization.token_type", "must be Bearer");
            return null;
        }
        if (authorization.TryGetProperty("expires_in", out var expiresIn) && expiresIn.ValueKind != JsonValueKind.Null
            && !(expiresIn.ValueKind == JsonValueKind.Number && expiresIn.TryGetInt64(out var seconds) && seconds >= 0))
        {
            error = new("fhirAuthorization.expires_in", "must be an integer (seconds, not negative)");
            return null;
        }
        if (!Text(authorization, "scope", "fhirAuthorization.scope", out _, ref error)) return null;
        if (!Text(authorization, "subject", "fhirAuthorization.subject", out _, ref error)) return null;
        if (!Id(authorization, "patient", "fhirAuthorization.patient", out _, ref error)) return null;
        return new FhirAccess(server, token);
    }

    /// <summary>A member that must be a string when present (<see cref="JsonStringMember"/>): false, with the error, when it is another type.</summary>
    private static bool Text(JsonElement parent, string name, string path, out string? value, ref HookRequestError? error)
    {
        if (JsonStringMember.TryRead(parent, name, out value, out var problem)) return true;
        error = new(path, problem!);
        return false;
    }

    /// <summary>
    /// A member that must be a FHIR id when present ([A-Za-z0-9\-.]{1,64}, R4 §2.24.0.1), and not "." or "..": in a read's
    /// URL path, those are the path segments that name the base ({fhirServer}/Patient/.. is {fhirServer}/) instead of a resource.
    /// </summary>
    private static bool Id(JsonElement parent, string name, string path, out string? value, ref HookRequestError? error)
    {
        if (!Text(parent, name, path, out value, ref error)) return false;
        if (value is null || IsFhirId(value)) return true;
        error = new(path, $"must be a FHIR id (1 to 64 letters, digits, '-' and '.'; not '.' or '..')");
        value = null;
        return false;
    }

    /// <summary>Whether <paramref name="id"/> is a FHIR id that reads as one path segment of its own.</summary>
    public static bool IsFhirId(string id) => id is not ("." or "..") && FhirIdGrammar().IsMatch(id);

    /// <summary>RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".</summary>
    public static bool IsB64Token(string token) => B64TokenGrammar().IsMatch(token);

    [GeneratedRegex(@"^[A-Za-z0-9\-.]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FhirIdGrammar();

    [GeneratedRegex(@"^[A-Za-z0-9\-._~+/]+=*\z", RegexOptions.CultureInvariant)]
    private static partial Regex B64TokenGrammar();
}
