using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coverage.Server.Endpoints;

/// <summary>
/// The bodies of the operations whose handlers read the request themselves (the FHIR operations, the CDS services), from
/// their <see cref="DescribedBody"/>, and the media type every FHIR operation answers in: without them the document
/// showed a FHIR POST taking nothing and answering a 200 of no type.
/// </summary>
internal sealed class OpenApiBodies : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DescribedBody>().LastOrDefault() is { } body && operation.RequestBody is null)
        {
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>(body.Required, StringComparer.Ordinal),
            };
            if (body.ResourceTypes is { Length: > 0 } types)
                schema.Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                {
                    ["resourceType"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. types.Select(t => (JsonNode)JsonValue.Create(t))] },
                };
            operation.RequestBody = new OpenApiRequestBody
            {
                Description = body.Description,
                Required = !body.Optional,
                Content = body.MediaTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }, StringComparer.Ordinal),
            };
        }
        if (("/" + context.Description.RelativePath).StartsWith("/fhir/", StringComparison.Ordinal) && operation.Responses is { } responses)
            foreach (var (status, response) in responses)
                if (status.StartsWith('2') && response is OpenApiResponse { Content: null or { Count: 0 } } plain)
                    plain.Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { [FhirResults.ContentType] = new() };
        return Task.CompletedTask;
    }
}
