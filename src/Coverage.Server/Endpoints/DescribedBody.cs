namespace Coverage.Server.Endpoints;

/// <summary>
/// Endpoint metadata for the API's description only: the body a POST or PUT whose handler reads the request itself takes
/// (a FHIR resource, a CDS Hooks request), so that the OpenAPI document shows it (<see cref="OpenApiBodies"/>). It is not
/// <c>Accepts</c>: that would make routing refuse other media types before the handler could answer in FHIR's or CDS
/// Hooks' own error shape.
/// </summary>
/// <param name="Description">What the body is, as a client reads it.</param>
/// <param name="MediaTypes">The media types the handler reads.</param>
/// <param name="Required">Members the body must have.</param>
/// <param name="ResourceTypes">For a FHIR body, the resource types it may be.</param>
/// <param name="Optional">Whether the body may be left out (a FHIR operation with every parameter optional, called by POST).</param>
public sealed record DescribedBody(string Description, string[] MediaTypes, string[] Required, string[]? ResourceTypes = null, bool Optional = false)
{
    /// <summary>What every FHIR write reads: application/fhir+json, or application/json.</summary>
    private static readonly string[] FhirMediaTypes = [FhirResults.ContentType, "application/json"];

    /// <summary>A FHIR resource of one of <paramref name="resourceTypes"/>.</summary>
    public static DescribedBody Fhir(string description, params string[] resourceTypes) => new(description, FhirMediaTypes, ["resourceType"], resourceTypes);

    /// <summary>A Parameters resource that may be left out.</summary>
    public static DescribedBody OptionalParameters(string description) => new(description, FhirMediaTypes, ["resourceType"], ["Parameters"], Optional: true);
}
