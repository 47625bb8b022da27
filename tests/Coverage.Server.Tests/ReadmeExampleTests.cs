using System.Text.RegularExpressions;
using Coverage.Testing;
using Microsoft.Data.Sqlite;

namespace Coverage.Server.Tests;

/// <summary>
/// The README's server examples run as written: every <c>sh</c> block that calls the server with curl is run verbatim by
/// bash (<c>set -euo pipefail</c>, from the repository root) against the real server process in Development, started on
/// the catalogue the paragraph before the block names (<c>--Catalogue:Path=$PWD/…</c>), else the repository's. The
/// server listens on a port of its own but is told it is the README's <c>http://127.0.0.1:5080</c> (its public base
/// URL), so the canonicals the samples and the block name are its own; only the address curl connects to is changed.
/// A block passes when bash exits 0 — jq could read every answer as the block reads it, so no answer was an unexpected
/// error body — no answer was a 5xx, and the output shows what the block's comments promise.
/// </summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private const string ReadmeAddress = "http://127.0.0.1:5080";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-readme-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public void TheReadme_HasServerExamplesForEachInterface()
    {
        var blocks = ServerBlocks();
        Assert.Contains(blocks, b => b.Script.Contains("/api/v1/determinations", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Script.Contains("/cds-services/order-sign", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Script.Contains("/fhir/Claim/$submit", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Script.Contains("$questionnaire-package", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Catalogue is not null);
    }

    [Fact]
    public async Task EveryServerExample_RunsAsWritten()
    {
        var outputs = new List<string>();
        foreach (var group in ServerBlocks().GroupBy(b => b.Catalogue))
        {
            var catalogue = group.Key is null ? CoverageApp.RepositoryRoot : Path.Combine(CoverageApp.RepositoryRoot, group.Key);
            var port = ServerProcess.FreePort();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var database = Path.Combine(_folder.FullName, $"readme-{port}.db");
            var server = ServerProcess.Start(port, "sqlite", $"Data Source={database}", $"--Catalogue:Path={catalogue}",
                $"--Coverage:PublicBaseUrl={ReadmeAddress}");
            try
            {
                await ServerProcess.WaitHealthy(http);
                foreach (var block in group) outputs.Add(await RunAsync(block, port));
            }
            finally
            {
                await ServerProcess.Stop(server);
            }
        }

        var all = string.Join("\n", outputs);
        // What the comments say the REST block ends in: the case decided and final, then its history.
        Assert.Contains("\"status\": \"final\"", all, StringComparison.Ordinal);
        Assert.Contains("\"line-decided\",\"dr-lee\"", all, StringComparison.Ordinal);
        // The appeal decided by the physician who made the denial is refused.
        Assert.Contains("{\"status\":403,", all, StringComparison.Ordinal);
        // CRD: coverage information as a system action; PAS: pended (A4) and found again by $inquire.
        Assert.Contains("\"url\": \"covered\"", all, StringComparison.Ordinal);
        Assert.Contains("\"A4\"", all, StringComparison.Ordinal);
        // DTR: the adaptive form asks its first question.
        Assert.Contains("{\"status\":\"in-progress\",\"asked\":[", all, StringComparison.Ordinal);
        // A DTR client finds the Library by its canonical, which names the server's own address.
        Assert.Contains("{\"total\":1,\"id\":", all, StringComparison.Ordinal);
    }

    /// <summary>Runs one block with bash; every curl call's status goes to a file of its own, so no 5xx passes unseen.</summary>
    private async Task<string> RunAsync(ReadmeBlock block, int port)
    {
        var statuses = Path.Combine(_folder.FullName, $"statuses-{port}-{block.Line}.txt");
        // A curl that connects to the test's port where the README says 5080 (the URL argument only; a URL inside a query
        // or a body stays the README's) and also writes each answer's status to the file (the README's own -w comes after
        // it and wins for its call).
        var prelude = $$"""
            set -euo pipefail
            curl() {
              local arguments=() argument
              for argument in "$@"; do
                [[ $argument == {{ReadmeAddress}}* ]] && argument="http://127.0.0.1:{{port}}${argument#{{ReadmeAddress}}}"
                arguments+=("$argument")
              done
              command curl -w '%{stderr}HTTP %{http_code}\n' "${arguments[@]}" 2>> '{{statuses}}'
            }

            """;
        var file = Path.Combine(_folder.FullName, $"block-{port}-{block.Line}.sh");
        await File.WriteAllTextAsync(file, prelude + block.Script);
        var (exitCode, stdout, stderr) = await BashScript.RunAsync(file, CoverageApp.RepositoryRoot, TimeSpan.FromMinutes(2), $"README.md block at line {block.Line}");
        var answered = File.Exists(statuses) ? File.ReadAllLines(statuses) : [];
        var where = $"README.md block at line {block.Line}:\n{stdout}\n{stderr}\n{string.Join("\n", answered)}";
        Assert.True(exitCode == 0, $"bash exited {exitCode}; {where}");
        Assert.DoesNotContain("jq: error", stderr, StringComparison.Ordinal);
        // curl's stderr: one status line per call (and its own messages, were there any).
        var statusLines = answered.Where(l => l.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(statusLines);
        Assert.DoesNotContain(statusLines, s => s.StartsWith("HTTP 5", StringComparison.Ordinal) || s == "HTTP 000");
        return stdout;
    }

    /// <summary>A <c>sh</c> block of the README that calls the server, with the catalogue its paragraph starts the server on.</summary>
    private sealed record ReadmeBlock(int Line, string Script, string? Catalogue);

    private static List<ReadmeBlock> ServerBlocks()
    {
        var lines = File.ReadAllLines(Path.Combine(CoverageApp.RepositoryRoot, "README.md"));
        var blocks = new List<ReadmeBlock>();
        var prose = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#')) prose.Clear(); // a new section: what the last one said no longer applies
            if (lines[i] != "```sh")
            {
                prose.Add(lines[i]);
                continue;
            }
            var body = new List<string>();
            var opening = i + 1;
            for (i++; i < lines.Length && lines[i] != "```"; i++) body.Add(lines[i]);
            var script = string.Join("\n", body) + "\n";
            if (script.Contains($"curl -s", StringComparison.Ordinal) && script.Contains(ReadmeAddress, StringComparison.Ordinal))
                blocks.Add(new ReadmeBlock(opening, script, CatalogueOf(string.Join("\n", prose))));
            prose.Clear();
        }
        return blocks;
    }

    private static string? CatalogueOf(string paragraph) =>
        Regex.Match(paragraph, @"--Catalogue:Path=\$PWD/(?<path>[^\s`)]+)") is { Success: true } match ? match.Groups["path"].Value : null;
}
