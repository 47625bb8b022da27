using System.Text.Json;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Fhir.Crd;

namespace Coverage.Fuzz;

/// <summary>
/// A CDS Hooks call as <c>CdsHooksEndpoints</c> runs it: the body's JSON checks, the hook request read (for the hook it
/// names, when it is one this service offers) and answered by the CRD service from its context and prefetch. No FHIR
/// server is allowed, so nothing is fetched: what the request does not carry is answered as missing. Refusals are
/// values; any exception that escapes is a finding (the server would answer it 500).
/// </summary>
internal static class HookTarget
{
    private static readonly string[] Hooks = ["order-sign", "order-select", "order-dispatch", "appointment-book", "encounter-start", "encounter-discharge"];

    private static readonly HttpClient NoNetwork = new(new RefusingHandler());

    public static void Run(byte[] input, Evaluator evaluator)
    {
        if (input.Length == 0 || JsonText.Check(input) is not null) return;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            var hook = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("hook", out var named) && named.ValueKind == JsonValueKind.String
                && Hooks.Contains(named.GetString()) ? named.GetString()! : "order-sign";
            var request = CdsHookRequest.Read(root, hook, out _);
            if (request is null) return;
            var crd = new CrdService(evaluator, new FhirServerClient(NoNetwork), TimeProvider.System, new CrdOptions());
            var result = crd.HandleAsync(request, CancellationToken.None).GetAwaiter().GetResult();
            if (result.Status == 200 && result.Response is null) throw new InvalidOperationException("a 200 without an answer");
            if (result.Status != 200 && result.Error is null) throw new InvalidOperationException($"a {result.Status} without its problem");
        }
    }

    /// <summary>No FHIR server is on the allow list; were one asked, this says so loudly.</summary>
    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"the CRD service asked {request.RequestUri}, which no allow list names");
    }
}
