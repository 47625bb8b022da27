using System.Buffers;
using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>
/// A FHIR resource as the response body: Firely's UTF-8 JSON written as it comes, with its length, so that no JSON
/// text is decoded into a string and encoded again on the way out (docs/benchmarks.md: a PAS answer is the largest
/// resource the server writes on a hot path) — copied from the writer's buffer into the response's pipe, with no
/// array of its own between them.
/// </summary>
internal sealed class FhirResourceResult(Resource resource, int status) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>The media type with its charset, as a text result would write it.</summary>
    public const string MediaType = FhirResults.ContentType + "; charset=utf-8";

    public int? StatusCode => status;

    public string ContentType => MediaType;

    public System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = MediaType;
        FhirJson.SerializeInto(resource, response, static (json, response) =>
        {
            // The length before the first byte: the headers go out with the body.
            response.ContentLength = json.Length;
            response.BodyWriter.Write(json);
        });
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }
}
