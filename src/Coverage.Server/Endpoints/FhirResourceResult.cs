using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>
/// A FHIR resource as the response body: Firely's UTF-8 JSON written as it comes, with its length, so that no JSON
/// text is decoded into a string and encoded again on the way out (docs/benchmarks.md: a PAS answer is the largest
/// resource the server writes on a hot path).
/// </summary>
internal sealed class FhirResourceResult(Resource resource, int status) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>The media type with its charset, as a text result would write it.</summary>
    public const string MediaType = FhirResults.ContentType + "; charset=utf-8";

    public int? StatusCode => status;

    public string ContentType => MediaType;

    public System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
    {
        var body = FhirJson.SerializeToUtf8Bytes(resource);
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = MediaType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
