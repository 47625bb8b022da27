using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// Tools for bench/load.sh (127.0.0.1 only; every run is bounded in time):
//   keys DIR                                   an RS384 key pair for a CDS client: DIR/private.pem, DIR/jwks.json
//   tokens DIR ISSUER AUDIENCE COUNT FILES     COUNT signed CDS Hooks JWTs (unique jti, 5-minute exp) in FILES files DIR/tokens-N.txt
//   access-token DIR ISSUER AUDIENCE SCOPES    an OAuth 2.0 access token (JWT, 1 hour) for the REST API and /fhir, as an
//                                              authorization server gives a SMART Backend Services client
//   rate URL BODY RPS SECONDS [WARMUP] [TOKENS-DIR ISSUER]
//                                              open-loop load at a fixed rate; latency is measured from each request's
//                                              scheduled start, so a slow server cannot slow the sender down and hide its queue.
//                                              A URL ending in /Claim/$submit sends PAS: each request the BODY Bundle with its
//                                              own Claim identifier (a new case), application/fhir+json, the access token in
//                                              API_TOKEN (TOKENS-DIR and ISSUER are for CDS Hooks JWTs); BODY "-" sends GET
//                                              with no body (the server's trivial endpoint, the floor of a call at that rate)
//   pair URL-A URL-B BODY RPS SECONDS RUN POSTGRES
//                                              bench/scale-out.sh: at a fixed rate, each new request (requestId RUN-n) is
//                                              sent to both servers at once; then checks in PostgreSQL that every
//                                              acknowledged case is stored once, with the case id both servers answered
var culture = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "keys":
        return Keys.Write(args[1]);
    case "tokens":
        return Keys.Tokens(args[1], args[2], args[3], int.Parse(args[4], culture), int.Parse(args[5], culture));
    case "access-token":
        Console.WriteLine(Keys.AccessToken(args[1], args[2], args[3], args[4]));
        return 0;
    case "rate":
        return await FixedRate.Run(new Uri(args[1]), args[2], double.Parse(args[3], culture), double.Parse(args[4], culture),
            args.Length > 5 ? double.Parse(args[5], culture) : 5, args.Length > 6 ? args[6] : null, args.Length > 7 ? args[7] : null);
    case "pair":
        return await RacedPairs.Run(new Uri(args[1]), new Uri(args[2]), args[3], double.Parse(args[4], culture), double.Parse(args[5], culture), args[6], args[7]);
    default:
        Console.Error.WriteLine("usage: keys DIR | tokens DIR ISSUER AUDIENCE COUNT FILES | access-token DIR ISSUER AUDIENCE SCOPES | rate URL BODY RPS SECONDS [WARMUP] [TOKENS-DIR ISSUER] | pair URL-A URL-B BODY RPS SECONDS RUN POSTGRES");
        return 2;
}

/// <summary>The CDS client's key and the JWTs it presents (CDS Hooks 2.0: asymmetric signature, aud, short exp, unique jti).</summary>
internal static class Keys
{
    public const string KeyId = "load-client-1";

    public static int Write(string dir)
    {
        // RS384: an RSA signature (the server takes RS, ES and PS algorithms; RSA verifies fastest).
        Directory.CreateDirectory(dir);
        using var key = RSA.Create(2048);
        File.WriteAllText(Path.Combine(dir, "private.pem"), key.ExportPkcs8PrivateKeyPem());
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = KeyId });
        File.WriteAllText(Path.Combine(dir, "jwks.json"),
            $$"""{"keys":[{"kty":"RSA","n":"{{jwk.N}}","e":"{{jwk.E}}","kid":"{{KeyId}}","use":"sig","alg":"RS384"}]}""");
        return 0;
    }

    public static SigningCredentials Credentials(string dir)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(dir, "private.pem")));
        return new SigningCredentials(new RsaSecurityKey(key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha384);
    }

    public static IEnumerable<string> Sign(SigningCredentials credentials, string issuer, string audience, int count)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
            yield return handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                IssuedAt = now,
                Expires = now.AddMinutes(4.5),
                Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString() },
                SigningCredentials = credentials,
            });
    }

    /// <summary>A bearer token for /api/v1 and /fhir: reusable for its hour, with the scopes the calls need.</summary>
    public static string AccessToken(string dir, string issuer, string audience, string scopes)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            Expires = now.AddHours(1),
            Claims = new Dictionary<string, object> { ["client_id"] = "load-client", ["scope"] = scopes, ["jti"] = Guid.NewGuid().ToString() },
            SigningCredentials = Credentials(dir),
        });
    }

    public static int Tokens(string dir, string issuer, string audience, int count, int files)
    {
        var credentials = Credentials(dir);
        var writers = Enumerable.Range(1, files).Select(i => new StreamWriter(Path.Combine(dir, $"tokens-{i}.txt"))).ToArray();
        var n = 0;
        foreach (var token in Sign(credentials, issuer, audience, count)) writers[n++ % files].WriteLine(token);
        foreach (var writer in writers) writer.Dispose();
        return 0;
    }
}

/// <summary>
/// Sends requests at a fixed rate whatever the server does (open loop), every millisecond the ones now due,
/// and records each latency from its scheduled start to the end of its response body.
/// </summary>
internal static class FixedRate
{
    public static async Task<int> Run(Uri url, string bodyFile, double rps, double seconds, double warmup, string? tokenDir, string? issuer)
    {
        // "-": GET with no body (the server's trivial endpoint at the same rate).
        byte[]? body = bodyFile == "-" ? null : await File.ReadAllBytesAsync(bodyFile);
        var total = (int)(rps * (warmup + seconds));
        var skip = (int)(rps * warmup);
        var pas = body is not null && PasSubmissions.Matches(url) ? PasSubmissions.Make(body, total) : null;
        string[]? tokens = null;
        if (tokenDir is not null)
        {
            var sw = Stopwatch.StartNew();
            tokens = [.. Keys.Sign(Keys.Credentials(tokenDir), issuer!, url.ToString(), total)];
            Console.Error.WriteLine($"rate: signed {total} tokens in {sw.Elapsed.TotalSeconds:N1} s");
        }

        var latencies = new double[total];
        var statuses = new int[total];
        double elapsed;
        // LOAD_SENDER=httpclient: the HttpClient sender of sessions 13-30, for a comparison in the same run.
        var sender = Environment.GetEnvironmentVariable("LOAD_SENDER") == "httpclient" ? "HttpClient" : "lean";
        if (sender == "lean")
        {
            var requests = new LeanSender.Request[total];
            for (var i = 0; i < total; i++)
            {
                var (requestBody, contentType, bearer) = pas is null ? (body, "application/json", tokens?[i]) : (pas.Bodies[i], PasSubmissions.ContentType, pas.AccessToken);
                requests[i] = new LeanSender.Request(LeanSender.Head(url, requestBody, contentType, bearer), requestBody ?? []);
            }
            var address = IPAddress.TryParse(url.Host, out var literal) ? literal : (await Dns.GetHostAddressesAsync(url.Host))[0];
            elapsed = LeanSender.Run(new IPEndPoint(address, url.Port), requests, rps, latencies, statuses);
        }
        else
        {
            using var client = LeanClient();
            elapsed = await Schedule(rps, total, (i, scheduled) => pas is null
                ? Send(client, url, body, "application/json", tokens?[i], scheduled, i, latencies, statuses)
                : Send(client, url, pas.Bodies[i], PasSubmissions.ContentType, pas.AccessToken, scheduled, i, latencies, statuses));
        }

        var measured = latencies.Skip(skip).Order().ToArray();
        var ok = statuses.Skip(skip).Count(s => s is >= 200 and < 300);
        var failures = statuses.Skip(skip).Where(s => s is < 200 or >= 300).GroupBy(s => s).Select(g => $"{(g.Key == 0 ? "error" : g.Key.ToString(CultureInfo.InvariantCulture))}×{g.Count()}");
        double P(double p) => Percentile(measured, p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate: {url} at {rps:N0}/s for {seconds:N0} s (after {warmup:N0} s warm-up, not counted): {measured.Length} requests, {ok} 2xx" +
            $"{(ok == measured.Length ? "" : " (" + string.Join(", ", failures) + ")")}; latency ms p50 {P(50):N2}, p90 {P(90):N2}, p99 {P(99):N2}, p99.9 {P(99.9):N2}, max {measured[^1]:N2}; " +
            $"achieved {total / elapsed:N0}/s overall; sender {sender}"));
        // RATE_DUMP=FILE: every request's latency in ms, in the order of the schedule (for a look at how stalls begin and drain).
        if (Environment.GetEnvironmentVariable("RATE_DUMP") is { Length: > 0 } dump)
            await File.WriteAllLinesAsync(dump, latencies.Select((ms, i) => string.Create(CultureInfo.InvariantCulture, $"{i} {ms:F3} {statuses[i]}")));
        if (Environment.GetEnvironmentVariable("RATE_TIMELINE") == "1")
        {
            // Per second of schedule: the worst latency of the requests scheduled in it (where a stall began).
            var perSecond = (int)Math.Ceiling(rps);
            for (var second = 0; second * perSecond < total; second++)
            {
                var slice = latencies.Skip(second * perSecond).Take(perSecond).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rate: second {second,3}: max {slice.Max(),9:N1} ms, p50 {slice.Order().ElementAt(slice.Length / 2),8:N1} ms"));
            }
        }
        return ok == measured.Length ? 0 : 1;
    }

    /// <summary>A lean client: the sender shares the machine with the server, so every microsecond it spends is the server's.</summary>
    public static HttpClient LeanClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        ActivityHeadersPropagator = null,
    }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Starts request i at start + i / rps, every millisecond the ones now due, whatever the answers do (open loop);
    /// returns the seconds from the first start to the last answer.
    /// </summary>
    public static async Task<double> Schedule(double rps, int total, Func<int, long, Task> send)
    {
        var tasks = new List<Task>(total);
        var interval = Stopwatch.Frequency / rps;
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < total)
        {
            var now = Stopwatch.GetTimestamp();
            while (next < total && start + (long)(next * interval) <= now)
            {
                var i = next++;
                tasks.Add(send(i, start + (long)(i * interval)));
            }
            Thread.Sleep(1);
        }
        await Task.WhenAll(tasks);
        return (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
    }

    /// <summary>The p-th percentile of sorted values (nearest rank).</summary>
    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1))];

    private static async Task Send(HttpClient client, Uri url, byte[]? body, string contentType, string? token, long scheduled, int i, double[] latencies, int[] statuses)
    {
        try
        {
            using var request = body is null ? new HttpRequestMessage(HttpMethod.Get, url) : new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            if (request.Content is not null) request.Content.Headers.ContentType = new(contentType);
            if (token is not null) request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            statuses[i] = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            statuses[i] = 0;
        }
        latencies[i] = (Stopwatch.GetTimestamp() - scheduled) * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>
/// PAS $submit at a fixed rate: every request is the sample Bundle under its own Claim identifier, so that each is a
/// new case durably written (as bench/load/pas-submit.lua does for wrk); the bodies are made before the clock starts.
/// </summary>
internal sealed record PasSubmissions(byte[][] Bodies, string? AccessToken)
{
    public const string ContentType = "application/fhir+json";
    /// <summary>The identifier the sample Bundle (samples/pas-submit-bundle.json) gives its request.</summary>
    private const string SampleIdentifier = "PA-20260504-0001";

    public static bool Matches(Uri url) => url.AbsolutePath.EndsWith("/Claim/$submit", StringComparison.Ordinal);

    public static PasSubmissions Make(byte[] sample, int count)
    {
        var text = System.Text.Encoding.UTF8.GetString(sample);
        if (!text.Contains(SampleIdentifier, StringComparison.Ordinal)) throw new ArgumentException($"The PAS body must carry the identifier {SampleIdentifier}, which each request replaces.");
        var run = $"RATE-{Environment.ProcessId}-{DateTime.UtcNow:HHmmss}";
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++) bodies[i] = System.Text.Encoding.UTF8.GetBytes(text.Replace(SampleIdentifier, $"{run}-{i}", StringComparison.Ordinal));
        var token = Environment.GetEnvironmentVariable("API_TOKEN");
        return new PasSubmissions(bodies, string.IsNullOrEmpty(token) ? null : token);
    }
}
