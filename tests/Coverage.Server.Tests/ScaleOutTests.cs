using System.Collections.Concurrent;
using System.Net;
using Npgsql;

namespace Coverage.Server.Tests;

/// <summary>
/// Two server processes share one PostgreSQL under the same load, with every request sent to both:
/// no acknowledged case is lost and none is duplicated (docs/scaling.md).
/// </summary>
public sealed class ScaleOutTests(PostgresStorage storage) : IClassFixture<PostgresStorage>
{
    [Fact]
    public async Task TwoServersOnePostgres_NoLostAndNoDuplicatedCase()
    {
        var ports = new[] { ServerProcess.FreePort(), ServerProcess.FreePort() };
        // The first server migrates the schema; the second starts once it is healthy.
        var first = ServerProcess.Start(ports[0], "postgres", storage.ConnectionString);
        using var a = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}"), Timeout = TimeSpan.FromSeconds(30) };
        await ServerProcess.WaitHealthy(a);
        var second = ServerProcess.Start(ports[1], "postgres", storage.ConnectionString);
        using var b = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[1]}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await ServerProcess.WaitHealthy(b);
            var requestIds = Enumerable.Range(0, 150).Select(_ => Api.NewId()).ToList();
            var answers = new ConcurrentBag<(string RequestId, HttpStatusCode Status, string CaseId)>();

            // Each request is submitted once to each server, concurrently: the pair races for one case.
            await Parallel.ForEachAsync(requestIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (requestId, _) =>
            {
                var json = Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), requestId);
                var both = await Task.WhenAll(Api.Post(a, "/api/v1/determinations", json), Api.Post(b, "/api/v1/determinations", json));
                foreach (var (status, body, _) in both) answers.Add((requestId, status, body.Str("caseId")));
            });

            Assert.All(answers, answer => Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.OK, answer.Status.ToString()));
            foreach (var group in answers.GroupBy(x => x.RequestId))
            {
                Assert.Single(group.Select(x => x.CaseId).Distinct()); // both servers answered with the same case
                Assert.Single(group, x => x.Status == HttpStatusCode.Created); // exactly one of them created it
            }

            await using var connection = new NpgsqlConnection(storage.ConnectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand(
                "SELECT COUNT(*), COUNT(DISTINCT \"RequestId\") FROM cases WHERE \"RequestId\" = ANY(@ids)", connection);
            count.Parameters.AddWithValue("ids", requestIds.ToArray());
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(requestIds.Count, reader.GetInt64(0)); // none lost, none duplicated
            Assert.Equal(requestIds.Count, reader.GetInt64(1));
        }
        finally
        {
            await ServerProcess.Stop(first);
            await ServerProcess.Stop(second);
        }
    }
}
