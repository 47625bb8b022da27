using System.Net.Http.Headers;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// Reads resources back from the EHR's FHIR server with the token the hook call carried, when the
/// prefetch lacks them (CDS Hooks 2.0, "FHIR resource access").
/// </summary>
public sealed class FhirServerClient(HttpClient http)
{
    public async Task<Resource?> ReadAsync(FhirAccess access, string relativeUrl, CancellationToken cancellationToken)
    {
        var url = new Uri(access.Server.AbsoluteUri.TrimEnd('/') + "/" + relativeUrl.TrimStart('/'));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) return null;
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        return FhirJson.Parse<Resource>(json, out _);
    }
}
