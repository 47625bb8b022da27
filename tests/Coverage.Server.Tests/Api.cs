using System.Net;
using System.Text;
using System.Text.Json;

namespace Coverage.Server.Tests;

/// <summary>Small helpers to call the API and read its JSON.</summary>
internal static class Api
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(
        HttpClient client, HttpMethod method, string url, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(HttpClient client, string url, string json) =>
        Send(client, HttpMethod.Post, url, json);

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Get(HttpClient client, string url) =>
        Send(client, HttpMethod.Get, url);

    /// <summary>A decision body: the lines only, since the reviewer is whoever is authenticated.</summary>
    public static string Decision(params (int Sequence, string Action, string Rationale)[] lines) =>
        JsonSerializer.Serialize(new
        {
            lines = lines.Select(l => new { sequence = l.Sequence, action = l.Action, rationale = l.Rationale }),
        });

    /// <summary>A request with its own request id, so that tests sharing a database never collide.</summary>
    public static string WithRequestId(string json, string requestId)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node["requestId"] = requestId;
        return node.ToJsonString();
    }

    public static string NewId() => "T-" + Guid.NewGuid().ToString("N")[..12];

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
