using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Engine.Json;

namespace Coverage.Server.Endpoints;

/// <summary>Reads JSON bodies ourselves, so that every error names its field the same way the CLI does.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>A JSON object, or the input error saying why the body is not one.</summary>
    public static (JsonObject? Body, InputError? Error) ParseObject(byte[] body)
    {
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
            return node is JsonObject obj ? (obj, null) : (null, new InputError("$", "the body must be a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, new InputError("$", $"the body is not valid JSON ({e.Message.Split(" Path:")[0]})"));
        }
    }
}
