using System.Text.RegularExpressions;
using Coverage.Cases;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Store;
using Coverage.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Cli.Tests;

/// <summary>
/// The README's command-line examples run as written: every <c>sh</c> block that runs the CLI or the sample-claims tool
/// (<c>dotnet run --project …</c>), and the blocks that read what they wrote, run in order by one bash from the repository
/// root. Only three things are not the README's: <c>dotnet run --project P --</c> runs P's built program (what
/// <c>dotnet run</c> would build and run), <c>/tmp/</c> is a folder of the test's own, and the server's case store
/// (<c>src/Coverage.Server/data/coverage.db</c>) is a store the test fills as the README's REST examples would, so that
/// nothing is written into the repository. Every command must exit as its comment says (<c>exit N</c>, for the last
/// command its comment introduces), else 0, and the outputs must show what the comments promise. The 100,000-claim
/// example is the benchmark-sized run of the commands the example before it runs, and is left to <c>bench/batch.sh</c>.
/// </summary>
public sealed partial class ReadmeCliExampleTests : IAsyncLifetime
{
    private const string ServerStore = "Data Source=src/Coverage.Server/data/coverage.db";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-readme-cli-");
    private string Store => Path.Combine(_folder.FullName, "coverage.db");

    public async Task InitializeAsync()
    {
        // The cases the README's REST examples leave in the server's store: the sample's request, decided by a physician.
        await using var provider = await CaseStoreServices.MigratedAsync(StorageProvider.Sqlite, $"Data Source={Store}");
        var clinic = new Caller(new Actor("clinic"), "clinic-a", CallerAccess.Submitter);
        var physician = new Caller(new Actor("dr-lee", "physician"), "payer", CallerAccess.PayerStaff, new Reviewer("dr-lee", "Dr. Lee", ReviewerRoles.Physician));
        using (var scope = provider.CreateScope())
        {
            var cases = scope.ServiceProvider.GetRequiredService<CaseService>();
            var catalogue = scope.ServiceProvider.GetRequiredService<Evaluator>().Catalogue;
            var request = RequestReader.Read(await File.ReadAllTextAsync(CliRunner.Sample("cryoablation-prior-auth.json")), catalogue).Request!;
            var submitted = (await cases.SubmitAsync(request, clinic, CancellationToken.None)).Value!;
            var decided = await cases.DecideAsync(submitted.Id, new DecisionSubmission([new LineDecisionInput(1, DecisionActions.Uphold, "Not medically necessary under policy 0540.")]), physician, CancellationToken.None);
            Assert.Null(decided.Error);
        }
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A <c>sh</c> block of the README: where it starts and its lines.</summary>
    private sealed record ReadmeBlock(int Line, IReadOnlyList<string> Lines)
    {
        public string Script => string.Join("\n", Lines) + "\n";

        /// <summary>The exit status each command (a line starting <c>dotnet run</c>) must end with, in order.</summary>
        public List<int> ExpectedExits()
        {
            var commandsOfTheGroup = new List<int>();
            int? stated = null;
            var expected = new List<int>();
            void EndGroup()
            {
                if (stated is { } status && commandsOfTheGroup.Count > 0) expected[commandsOfTheGroup[^1]] = status;
                commandsOfTheGroup.Clear();
                stated = null;
            }
            foreach (var line in Lines)
            {
                if (line.StartsWith('#') || line.Length == 0)
                {
                    if (commandsOfTheGroup.Count > 0) EndGroup();
                    if (ExitStated().Match(line) is { Success: true } match) stated = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    continue;
                }
                if (!line.StartsWith("dotnet run", StringComparison.Ordinal)) continue;
                commandsOfTheGroup.Add(expected.Count);
                expected.Add(0);
            }
            EndGroup();
            return expected;
        }
    }

    /// <summary>The README's blocks that run the CLI or the sample-claims tool, or read what they wrote under /tmp/.</summary>
    private static List<ReadmeBlock> CliBlocks()
    {
        var lines = File.ReadAllLines(Path.Combine(CliRunner.RepositoryRoot, "README.md"));
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "```sh") continue;
            var opening = i + 1;
            var body = new List<string>();
            for (i++; i < lines.Length && lines[i] != "```"; i++) body.Add(lines[i]);
            var script = string.Join("\n", body);
            var runsTheCli = script.Contains("--project src/Coverage.Cli", StringComparison.Ordinal) || script.Contains("--project tools/Coverage.SampleClaims", StringComparison.Ordinal);
            var readsWhatItWrote = !script.Contains("dotnet ", StringComparison.Ordinal) && !script.Contains("curl ", StringComparison.Ordinal)
                && script.Contains("/tmp/", StringComparison.Ordinal);
            if (runsTheCli || readsWhatItWrote) blocks.Add(new ReadmeBlock(opening, body));
        }
        return blocks;
    }

    private static bool IsBenchmarkSized(ReadmeBlock block) => block.Script.Contains("--claims 100000", StringComparison.Ordinal);

    /// <summary>The program <c>dotnet run --project</c> would run, as built beside this test (same configuration).</summary>
    private static string ProgramOf(string project)
    {
        var csproj = Directory.GetFiles(Path.Combine(CliRunner.RepositoryRoot, project), "*.csproj").Single();
        var name = AssemblyName().Match(File.ReadAllText(csproj)) is { Success: true } match ? match.Groups[1].Value : Path.GetFileNameWithoutExtension(csproj);
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // …/bin/{configuration}/{framework}
        return Path.Combine(CliRunner.RepositoryRoot, project, "bin", configuration, "net10.0", name + ".dll");
    }

    [Fact]
    public void TheReadme_HasCliExamplesOfEachCommand()
    {
        var scripts = string.Join("\n", CliBlocks().Select(b => b.Script));
        foreach (var command in new[] { "-- evaluate", "policy show", "policy validate", "policy import", "policy diff", "-- report", "-- impact", "-- adjudicate" })
            Assert.Contains(command, scripts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCliExample_RunsAsWritten_AndExitsAsItsCommentSays()
    {
        var blocks = CliBlocks().Where(b => !IsBenchmarkSized(b)).ToList();
        var projects = blocks.SelectMany(b => ProjectArgument().Matches(b.Script)).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        var exits = Path.Combine(_folder.FullName, "exits.txt");
        var tmp = Path.Combine(_folder.FullName, "tmp") + "/";
        Directory.CreateDirectory(tmp);
        // dotnet run --project P [-c C] -- ARGS runs P's built program with ARGS; each command's status goes to a file.
        var prelude = $$"""
            declare -A program=( {{string.Join(" ", projects.Select(p => $"[{p}]='{ProgramOf(p)}'"))}} )
            dotnet() {
              if [[ $1 != run ]]; then command dotnet "$@"; return; fi
              shift
              local project=
              while [[ $# -gt 0 && $1 != -- ]]; do
                case $1 in --project) project=$2; shift 2 ;; *) shift ;; esac
              done
              [[ ${1:-} == -- ]] && shift
              local status=0
              if [[ -f ${program[$project]} ]]; then
                command dotnet "${program[$project]}" "$@" || status=$?
              else
                command dotnet run --project "$project" -- "$@" || status=$? # not built beside this test: as the README runs it
              fi
              echo "$status" >> '{{exits}}'
              return $status
            }

            """;
        var script = prelude + string.Join("\n", blocks.Select(b => b.Script))
            .Replace("/tmp/", tmp, StringComparison.Ordinal)
            .Replace(ServerStore, $"Data Source={Store}", StringComparison.Ordinal);

        var (stdout, stderr) = await BashAsync(script);

        var where = $"README.md blocks at lines {string.Join(", ", blocks.Select(b => b.Line))}:\n{stdout}\n{stderr}";
        var exited = File.Exists(exits) ? File.ReadAllLines(exits).Select(int.Parse).ToList() : [];
        Assert.True(blocks.SelectMany(b => b.ExpectedExits()).SequenceEqual(exited), $"exits {string.Join(" ", exited)}; {where}");
        // What the comments promise.
        Assert.Contains("coverage: invalid request: dateOfService: '2026-13-40' is not a valid date (YYYY-MM-DD)", stderr, StringComparison.Ordinal);
        Assert.Contains("claim_id,line,code,outcome,group_code,carc,rarc,policy_id,policy_version,physician_review,related_policy,claim_frequency,original_claim", stdout, StringComparison.Ordinal);
        Assert.Contains("CLM0000001,1,0581T,invalid-coding,CO,11,,0540,2026-03-15,false,,original,", stdout, StringComparison.Ordinal);
        Assert.Contains("\"claimId\":\"CLM0000003\"", stdout, StringComparison.Ordinal);
        Assert.Contains("MP-728", stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs the script without <c>-e</c>: each command's status is checked against the README instead.</summary>
    private async Task<(string Stdout, string Stderr)> BashAsync(string script)
    {
        var file = Path.Combine(_folder.FullName, "readme-cli.sh");
        await File.WriteAllTextAsync(file, "set -uo pipefail\n" + script);
        var result = await BashScript.RunAsync(file, CliRunner.RepositoryRoot, TimeSpan.FromMinutes(5), "the README's CLI examples");
        return (result.Stdout, result.Stderr);
    }

    [GeneratedRegex(@"\bexits? (\d+)\b")]
    private static partial Regex ExitStated();

    [GeneratedRegex(@"--project (\S+)")]
    private static partial Regex ProjectArgument();

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();
}
