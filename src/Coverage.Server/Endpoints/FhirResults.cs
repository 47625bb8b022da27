using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>FHIR JSON responses written with the Firely serializer.</summary>
internal static class FhirResults
{
    public const string ContentType = "application/fhir+json";

    public static IResult Resource(Resource resource, int status = 200) =>
        TypedResults.Text(FhirJson.Serialize(resource), ContentType, System.Text.Encoding.UTF8, status);

    public static IResult Outcome(OperationOutcome outcome, int status) => Resource(outcome, status);
}
