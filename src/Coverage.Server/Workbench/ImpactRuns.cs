using System.Collections.Concurrent;
using Coverage.Cases.Impact;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Text;
using Microsoft.Extensions.Options;

namespace Coverage.Server.Workbench;

/// <summary>
/// Impact reports of the case store started from the workbench (docs/impact-and-import.md): the server's catalogue is
/// the baseline, a candidate is a folder of the configured candidates folder. A run goes on in the background, not on
/// the request's thread, and one at a time (a second start while one runs is refused), so a long run holds one
/// worker per core and one database connection, never request threads. The store read is audited with the analyst
/// who started it. The last runs are kept in memory to be shown and downloaded.
/// </summary>
public sealed partial class ImpactRuns(
    IServiceScopeFactory scopes, Evaluator baseline, IOptions<ImpactOptions> options, TimeProvider time, ILogger<ImpactRuns> logger) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ConcurrentDictionary<Guid, ImpactRun> _runs = new();

    /// <summary>The most of one catalogue problem the page repeats.</summary>
    public const int MaxProblemLength = 1_000;

    /// <summary>The folder the candidates are read from.</summary>
    public string CandidatesPath => Path.GetFullPath(options.Value.CandidatesPath ?? "catalogues");

    /// <summary>The candidate catalogues: the sub-folders of <see cref="CandidatesPath"/> that hold a catalogue, by name.</summary>
    public IReadOnlyList<string> Candidates() =>
        Directory.Exists(CandidatesPath)
            ? [.. Directory.GetDirectories(CandidatesPath).Where(d => Directory.Exists(Path.Combine(d, "policies"))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    public IReadOnlyList<ImpactRun> Runs => [.. _runs.Values.OrderByDescending(r => r.StartedAt).ThenBy(r => r.Id)];

    public ImpactRun? Find(Guid id) => _runs.GetValueOrDefault(id);

    /// <summary>Starts a run of <paramref name="candidate"/> (a name <see cref="Candidates"/> lists, nothing else), or says why not.</summary>
    public (ImpactRun? Run, string? Problem) Start(string? candidate, Caller caller)
    {
        // Only a listed name is a folder to read: no path the form could send reaches the file system.
        if (candidate is null || !Candidates().Contains(candidate, StringComparer.Ordinal))
            return (null, $"Choose a candidate catalogue of {CandidatesPath}.");
        return StartWith(candidate, () => Load(Path.Combine(CandidatesPath, candidate)), caller);
    }

    /// <summary>
    /// Starts a run of a catalogue uploaded as a zip archive (<see cref="CandidateArchive"/>): unpacked into a folder of
    /// the server's, validated as any catalogue, and the folder deleted once read; or says why not, before any run.
    /// </summary>
    public (ImpactRun? Run, string? Problem) StartUploaded(Stream archive, string fileName, Caller caller)
    {
        var name = UploadName(fileName);
        return StartWith(name, () =>
        {
            var folder = Path.Combine(Path.GetTempPath(), "coverage-impact-uploads", Guid.NewGuid().ToString("N"));
            try
            {
                var (root, problem) = CandidateArchive.Extract(archive, folder);
                return root is null ? (null, [problem!]) : Load(root);
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }, caller);
    }

    /// <summary>The uploaded file's name as the run shows it: its letters, digits, dots and dashes only, and marked as an upload.</summary>
    private static string UploadName(string fileName)
    {
        var stem = new string([.. Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/')[^1]).Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_').Take(60)]);
        return $"{(stem.Length == 0 ? "catalogue" : stem)} (uploaded)";
    }

    private static (PolicyCatalogue? Catalogue, IReadOnlyList<string> Errors) Load(string root)
    {
        var (catalogue, errors) = CatalogueLoader.TryLoad(root);
        return (catalogue, [.. errors.Select(e => e.ToString())]);
    }

    private (ImpactRun? Run, string? Problem) StartWith(string candidate, Func<(PolicyCatalogue? Catalogue, IReadOnlyList<string> Errors)> load, Caller caller)
    {
        if (!_oneAtATime.Wait(0)) return (null, "An impact report is already running; start this one when it has finished.");
        try
        {
            var (catalogue, errors) = load();
            if (catalogue is null)
            {
                _oneAtATime.Release();
                // Each problem quoted in part: the loader names the value it refuses, and an upload's value may be megabytes long.
                return (null, $"The candidate catalogue {candidate} is invalid: {string.Join("; ", errors.Take(5).Select(e => Bounded.Text(e, MaxProblemLength)))}{(errors.Count > 5 ? $" (and {errors.Count - 5} more)" : "")}");
            }
            var runner = new ImpactRunner(baseline, new Evaluator(catalogue, time));
            var report = new ImpactReport(new ImpactCatalogue("the server's catalogue", baseline.Catalogue.Digest), new ImpactCatalogue(candidate, catalogue.Digest), "the cases of the store");
            var run = new ImpactRun(Guid.CreateVersion7(time.GetUtcNow()), candidate, caller.Actor.Id, time.GetUtcNow(), report, runner.Progress);
            _runs[run.Id] = run;
            Forget();
            _ = Task.Run(() => RunAsync(run, runner, caller), CancellationToken.None);
            return (run, null);
        }
        catch
        {
            _oneAtATime.Release();
            throw;
        }
    }

    private async Task RunAsync(ImpactRun run, ImpactRunner runner, Caller caller)
    {
        string? error = null;
        try
        {
            using var scope = scopes.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<Store.CaseService>().ImpactAsync(runner, run.Report, caller, null, CancellationToken.None);
            error = result.Error?.Message;
        }
        catch (Exception e)
        {
            error = "The run failed; the server's log says why.";
            RunFailed(logger, run.Id, e);
        }
        finally
        {
            run.Finish(time.GetUtcNow(), error);
            _oneAtATime.Release();
        }
    }

    /// <summary>Keeps the last runs only: the oldest finished ones go.</summary>
    private void Forget()
    {
        foreach (var old in _runs.Values.Where(r => r.IsFinished).OrderByDescending(r => r.StartedAt).Skip(Math.Max(1, options.Value.RunsKept) - 1))
            _runs.TryRemove(old.Id, out _);
    }

    public void Dispose() => _oneAtATime.Dispose();

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Impact run {RunId} failed")]
    private static partial void RunFailed(ILogger logger, Guid runId, Exception exception);
}
