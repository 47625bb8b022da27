using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

// soak BASE-URL SECONDS RPS SAMPLES-DIR [--outage]: a mixed load on 127.0.0.1 at a fixed rate, bounded in time.
// Every request is one of: submit a prior authorization (new request id), read that case, list the queue,
// a CRD order-sign, a PAS $submit (new Claim identifier), GET /health. Prints one line per kind; then reads back
// every case a submission acknowledged (REST 201 and PAS 200, with their case ids), each of which must still be there. Exits 1 if any
// answer was not a success, or an acknowledged case is missing. With --outage (the database is taken away for a while
// during the run, bench/soak.sh OUTAGE_AT), a 503 with Retry-After is the expected answer meanwhile ("nothing was
// recorded, send it again"): counted apart, with when the first and the last came; anything else still fails the run,
// and so does an outage no answer showed.
if (args.Length < 4 || (args.Length > 4 && args[4] != "--outage"))
{
    Console.Error.WriteLine("usage: soak BASE-URL SECONDS RPS SAMPLES-DIR [--outage]");
    return 2;
}
var outageExpected = args.Length > 4;
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
var pasCases = new System.Collections.Concurrent.ConcurrentQueue<string>();
var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, (long Ok, long Unavailable, long Failed)>();
var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
var unavailableAt = new System.Collections.Concurrent.ConcurrentBag<double>();
var clock = new Stopwatch();

async Task One(long n)
{
    var kind = (n % 6) switch { 0 => "submit", 1 => "read", 2 => "list", 3 => "order-sign", 4 => "pas-submit", _ => "health" };
    HttpResponseMessage response;
    var readId = kind == "read" && cases.TryPeek(out var first) ? first : null;
    var health = kind == "health" || (kind == "read" && readId is null);
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
                response = await http.GetAsync(new Uri(readId is null ? "/health" : $"/api/v1/cases/{readId}", UriKind.Relative));
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
                // The ClaimResponse (the answer's first entry) names the case it made by its identifier.
                if (response.IsSuccessStatusCode)
                    pasCases.Enqueue(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["entry"]![0]!["resource"]!["identifier"]![0]!["value"]!.GetValue<string>());
                break;
            default:
                response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                break;
        }
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        counts.AddOrUpdate(kind, (0, 0, 1), (_, c) => (c.Ok, c.Unavailable, c.Failed + 1));
        failures.Enqueue($"{kind}: {e.GetType().Name} at {clock.Elapsed.TotalSeconds:F1} s");
        return;
    }
    using (response)
    {
        // A 503 that says when to come back is the server's answer while its database is away; /health's 503 (its
        // readiness says the database is down) has no Retry-After and is the right answer too.
        var unavailable = response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable
            && (response.Headers.RetryAfter is not null || health);
        if (response.IsSuccessStatusCode) counts.AddOrUpdate(kind, (1, 0, 0), (_, c) => (c.Ok + 1, c.Unavailable, c.Failed));
        else if (unavailable && outageExpected)
        {
            counts.AddOrUpdate(kind, (0, 1, 0), (_, c) => (c.Ok, c.Unavailable + 1, c.Failed));
            unavailableAt.Add(clock.Elapsed.TotalSeconds);
        }
        else
        {
            counts.AddOrUpdate(kind, (0, 0, 1), (_, c) => (c.Ok, c.Unavailable, c.Failed + 1));
            failures.Enqueue($"{kind}: {(int)response.StatusCode} at {clock.Elapsed.TotalSeconds:F1} s");
        }
    }
}

clock.Start();
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

var elapsed = clock.Elapsed.TotalSeconds;
var total = counts.Values.Sum(c => c.Ok + c.Unavailable + c.Failed);
var failed = counts.Values.Sum(c => c.Failed);
var refused = counts.Values.Sum(c => c.Unavailable);
foreach (var (kind, (ok, away, bad)) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
    Console.WriteLine($"soak: {kind,-11} {ok,8} ok {away,6} unavailable (503, retry) {bad,6} failed");
Console.WriteLine($"soak: {total} requests in {elapsed:F0} s ({total / elapsed:F0}/s), {failed} failed");
// An outage no answer showed tested nothing: that run fails too.
var outageUnseen = outageExpected && unavailableAt.IsEmpty;
if (outageExpected)
    Console.WriteLine(outageUnseen
        ? "soak: no answer was 503: the outage was not seen"
        : $"soak: {refused} answers 503 (unavailable), the first at {unavailableAt.Min():F1} s, the last at {unavailableAt.Max():F1} s");
foreach (var failure in failures.Take(10)) Console.WriteLine($"soak: failure {failure}");

// Every acknowledged case (REST and PAS) must still be there, whatever happened meanwhile.
string[] acknowledged = [.. cases, .. pasCases];
var missing = new System.Collections.Concurrent.ConcurrentQueue<string>();
await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, token) =>
{
    using var read = await http.GetAsync(new Uri($"/api/v1/cases/{id}", UriKind.Relative), token);
    if (read.StatusCode != System.Net.HttpStatusCode.OK) missing.Enqueue($"{id}: {(int)read.StatusCode}");
});
Console.WriteLine($"soak: {acknowledged.Length} acknowledged cases read back, {missing.Count} missing");
foreach (var lost in missing.Take(10)) Console.WriteLine($"soak: missing {lost}");
return failed == 0 && missing.IsEmpty && !outageUnseen ? 0 : 1;
