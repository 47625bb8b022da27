using System.Net.Http.Headers;
using Coverage.Engine.Text;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// Reads resources back from the EHR's FHIR server with the token the hook call carried, when the
/// prefetch lacks them (CDS Hooks 2.0, "FHIR resource access"). Redirects are not followed (the host's handler is set
/// so): a read answered with one elsewhere is a read that failed (null), as is an answer that is not UTF-8 FHIR JSON; a
/// server error (5xx) throws <see cref="HttpRequestException"/>, as a server that cannot be reached does. A token that
/// cannot be sent as a bearer token is a read that failed too: nothing but <see cref="HttpRequestException"/> (or a
/// cancellation) comes out of a read.
/// </summary>
public sealed class FhirServerClient(HttpClient http)
{
    /// <summary>The most one read may return (the host sets its client's buffer to it): a Patient, a Coverage search or a few Observations are far less.</summary>
    public const int MaxResponseBytes = 8 * 1024 * 1024;

    public async Task<Resource?> ReadAsync(FhirAccess access, string relativeUrl, CancellationToken cancellationToken)
    {
        var url = new Uri(access.Server.AbsoluteUri.TrimEnd('/') + "/" + relativeUrl.TrimStart('/'));
        // The relative URL is built from ids and references the caller wrote: one that climbs out of the server's base
        // ("Patient/../../admin", resolved by Uri) is not read — only the allowed FHIR server's own resources are.
        if (!FhirServerAllowList.IsUnder(url, access.Server)) return null;
        // A token that is not an RFC 6750 b64token cannot be sent as one: CdsHookRequest refuses such a token (400), and a
        // FhirAccess made any other way is a read that failed, never a FormatException out of the header (it was a 500).
        if (!CdsHookRequest.IsB64Token(access.AccessToken)) return null;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        using var response = await http.SendAsync(request, cancellationToken);
        // A server error is the server's failure, not an answer about the resource: thrown, as a connection that fails is,
        // so that a caller can tell it from a resource that is not there or not ours to read (null).
        if ((int)response.StatusCode >= 500)
            throw new HttpRequestException($"The FHIR server answered {(int)response.StatusCode} to a read.", null, response.StatusCode);
        if (!response.IsSuccessStatusCode) return null;
        // Read as the bytes sent: decoded as text, a byte that is not UTF-8 became U+FFFD and the resource was used as
        // if the EHR had written that; such a read is a read that failed (FHIR JSON is UTF-8; a byte order mark is allowed).
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var json = Utf8Text.WithoutByteOrderMark(bytes);
        return Utf8Text.Problem(json) is null ? FhirJson.Parse<Resource>(json, out _) : null;
    }
}
