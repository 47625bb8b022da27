using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

// soak BASE-URL SECONDS RPS SAMPLES-DIR: a mixed load on 127.0.0.1 at a fixed rate, bounded in time.
// Every request is one of: submit a prior authorization (new request id), read that case, list the queue,
// a CRD order-sign, a PAS $submit (new Claim identifier), GET /health. Prints one line per kind and exits 1
// if any answer was not a success.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: soak BASE-URL SECONDS RPS SAMPLES-DIR");
    return 2;
}
var baseUrl = new Uri(args[0]);
var seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
var rate = double.Parse(args[2], CultureInfo.InvariantCulture);
var samples = args[3];
if (!baseUrl.IsLoopback)
{
    Console.Error.WriteLine("soak: the target must be on this machine (127.0.0.1)");
    return 2;
}

var prior = File.ReadAllText(Path.Combine(samples, "cryoablation-prior-auth.json"));
var hook = File.ReadAllText(Path.Combine(samples, "cds-order-sign.json"));
var pas = File.ReadAllText(Path.Combine(samples, "pas-submit-bundle.json"));
using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
var cases = new System.Collections.Concurrent.ConcurrentQueue<string>();
var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, (long Ok, long Failed)>();
var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

async Task One(long n)
{
    var kind = (n % 6) switch { 0 => "submit", 1 => "read", 2 => "list", 3 => "order-sign", 4 => "pas-submit", _ => "health" };
    HttpResponseMessage response;
    try
    {
        switch (kind)
        {
            case "submit":
                var request = JsonNode.Parse(prior)!;
                request["requestId"] = $"SOAK-{Guid.NewGuid():N}";
                response = await http.PostAsync(new Uri("/api/v1/determinations", UriKind.Relative), new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"));
                if (response.IsSuccessStatusCode)
                    cases.Enqueue(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["caseId"]!.GetValue<string>());
                break;
            case "read":
                response = cases.TryPeek(out var id)
                    ? await http.GetAsync(new Uri($"/api/v1/cases/{id}", UriKind.Relative))
                    : await http.GetAsync(new Uri("/health", UriKind.Relative));
                break;
            case "list":
                response = await http.GetAsync(new Uri("/api/v1/cases?status=pending-physician-review&pageSize=20", UriKind.Relative));
                break;
            case "order-sign":
                var call = JsonNode.Parse(hook)!;
                call["hookInstance"] = Guid.NewGuid().ToString();
                response = await http.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), new StringContent(call.ToJsonString(), Encoding.UTF8, "application/json"));
                break;
            case "pas-submit":
                var bundle = pas.Replace("PA-20260504-0001", $"SOAK-{Guid.NewGuid():N}", StringComparison.Ordinal);
                response = await http.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), new StringContent(bundle, Encoding.UTF8, "application/fhir+json"));
                break;
            default:
                response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                break;
        }
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        counts.AddOrUpdate(kind, (0, 1), (_, c) => (c.Ok, c.Failed + 1));
        failures.Enqueue($"{kind}: {e.GetType().Name}");
        return;
    }
    using (response)
    {
        var ok = response.IsSuccessStatusCode;
        counts.AddOrUpdate(kind, ok ? (1, 0) : (0, 1), (_, c) => ok ? (c.Ok + 1, c.Failed) : (c.Ok, c.Failed + 1));
        if (!ok) failures.Enqueue($"{kind}: {(int)response.StatusCode}");
    }
}

var clock = Stopwatch.StartNew();
var inFlight = new List<Task>();
long sent = 0;
var interval = TimeSpan.FromSeconds(1 / rate);
while (clock.Elapsed.TotalSeconds < seconds)
{
    var due = TimeSpan.FromTicks(interval.Ticks * sent);
    var wait = due - clock.Elapsed;
    if (wait > TimeSpan.Zero) await Task.Delay(wait);
    inFlight.Add(One(sent++));
    if (inFlight.Count > 1000) inFlight.RemoveAll(t => t.IsCompleted);
}
await Task.WhenAll(inFlight);

var total = counts.Values.Sum(c => c.Ok + c.Failed);
var failed = counts.Values.Sum(c => c.Failed);
foreach (var (kind, (ok, bad)) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
    Console.WriteLine($"soak: {kind,-11} {ok,8} ok {bad,6} failed");
Console.WriteLine($"soak: {total} requests in {clock.Elapsed.TotalSeconds:F0} s ({total / clock.Elapsed.TotalSeconds:F0}/s), {failed} failed");
foreach (var failure in failures.Take(10)) Console.WriteLine($"soak: failure {failure}");
return failed == 0 ? 0 : 1;
