using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

/// <summary>
/// bench/scale-out.sh: two servers, one PostgreSQL. At a fixed rate, each new prior authorization (requestId
/// RUN-n) is submitted to both servers at the same moment — a client retry that a load balancer sent to the other
/// server, the worst case for idempotency. Then every pair is checked (both answered 2xx with the same case id,
/// exactly one of them 201 Created) and so is the database (each acknowledged request is one stored case, with
/// that id: none lost, none duplicated). With URL-A = URL-B it measures one server under the same load.
/// </summary>
internal static partial class RacedPairs
{
    /// <summary>The bearer token for the API (API_TOKEN), as bench/scale-out.sh makes it; none for a server without authentication.</summary>
    private static readonly string? AccessToken = Environment.GetEnvironmentVariable("API_TOKEN");

    public static async Task<int> Run(Uri a, Uri b, string bodyFile, double rps, double seconds, string run, string postgres)
    {
        var template = await File.ReadAllTextAsync(bodyFile);
        var total = (int)(rps * seconds);
        var answers = new (int Status, string? CaseId, double Ms)[total, 2];
        using var client = FixedRate.LeanClient();

        var elapsed = await FixedRate.Schedule(rps, total, (i, scheduled) =>
        {
            var body = Encoding.UTF8.GetBytes(RequestId().Replace(template, $"\"requestId\": \"{run}-{i}\"", 1));
            return Task.WhenAll(Submit(client, a, body, scheduled, i, 0, answers), Submit(client, b, body, scheduled, i, 1, answers));
        });

        var latencies = new double[total * 2];
        var raced = 0;
        var acknowledged = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < total; i++)
        {
            latencies[2 * i] = answers[i, 0].Ms;
            latencies[2 * i + 1] = answers[i, 1].Ms;
            var (first, second) = (answers[i, 0], answers[i, 1]);
            var ok = first.Status is 200 or 201 && second.Status is 200 or 201;
            if (!ok) problems.Add($"{run}-{i}: answered {first.Status} and {second.Status}");
            else if (first.CaseId is null || second.CaseId is null) problems.Add($"{run}-{i}: an answer without its caseId");
            else if (first.CaseId != second.CaseId) problems.Add($"{run}-{i}: two case ids, {first.CaseId} and {second.CaseId}");
            else if ((first.Status == 201) == (second.Status == 201)) problems.Add($"{run}-{i}: {first.Status} and {second.Status}, not one 201 Created");
            else raced++;
            foreach (var answer in new[] { first, second })
                if (answer.Status is 200 or 201 && answer.CaseId is not null) acknowledged.TryAdd($"{run}-{i}", answer.CaseId);
        }
        Array.Sort(latencies);
        var statuses = string.Join(", ", Enumerable.Range(0, total).SelectMany(i => new[] { answers[i, 0].Status, answers[i, 1].Status })
            .GroupBy(x => x).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} ×{g.Count()}"));

        // The store: every acknowledged request is one case with the id the servers gave; nothing else of this run.
        var stored = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT \"RequestId\", \"Id\"::text FROM cases WHERE \"RequestId\" LIKE @run", connection);
            query.Parameters.AddWithValue("run", run + "-%");
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var requestId = reader.GetString(0);
                if (!stored.TryGetValue(requestId, out var ids)) stored[requestId] = ids = [];
                ids.Add(reader.GetString(1));
            }
        }
        var lost = acknowledged.Count(x => !stored.TryGetValue(x.Key, out var ids) || !ids.Contains(x.Value, StringComparer.OrdinalIgnoreCase));
        var duplicated = stored.Count(x => x.Value.Count > 1);
        var unacknowledged = stored.Keys.Count(k => !acknowledged.ContainsKey(k));

        var servers = a == b ? $"one server ({a.Authority}), each request sent to it twice" : $"two servers ({a.Authority}, {b.Authority}), each request sent to both";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pair: {servers}: {total} requests at {rps:N0}/s for {seconds:N0} s = {2 * total} calls, {2 * total / elapsed:N0} calls/s achieved; " +
            $"answers {statuses}; latency ms p50 {FixedRate.Percentile(latencies, 50):N2}, p90 {FixedRate.Percentile(latencies, 90):N2}, p99 {FixedRate.Percentile(latencies, 99):N2}, max {latencies[^1]:N2}"));
        Console.WriteLine(
            $"pair: {raced} of {total} pairs answered with one case id and exactly one 201 Created; in PostgreSQL: {stored.Count} cases of this run, " +
            $"{lost} acknowledged case(s) lost, {duplicated} request(s) stored more than once, {unacknowledged} stored without an acknowledgement");
        foreach (var problem in problems.Take(10)) Console.WriteLine("pair: problem: " + problem);
        return raced == total && lost == 0 && duplicated == 0 ? 0 : 1;
    }

    private static async Task Submit(HttpClient client, Uri server, byte[] body, long scheduled, int i, int side, (int, string?, double)[,] answers)
    {
        var status = 0;
        string? caseId = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/api/v1/determinations")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            if (AccessToken is { Length: > 0 } token) request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request);
            status = (int)response.StatusCode;
            var json = await response.Content.ReadAsByteArrayAsync();
            if (status is 200 or 201)
            {
                using var document = JsonDocument.Parse(json);
                caseId = document.RootElement.GetProperty("caseId").GetString();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            // No answer (status 0), or an answer without its case id (caseId null): the pair check reports it.
        }
        answers[i, side] = (status, caseId, (Stopwatch.GetTimestamp() - scheduled) * 1000.0 / Stopwatch.Frequency);
    }

    [GeneratedRegex("\"requestId\"\\s*:\\s*\"[^\"]*\"")]
    private static partial Regex RequestId();
}
