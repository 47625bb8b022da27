using System.CommandLine;
using System.Text;
using Coverage.Cases;
using Coverage.Cases.Impact;
using Coverage.Claims;
using Coverage.Claims.Batch;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Cli;

/// <summary>
/// `coverage impact --catalogue CANDIDATE [--baseline CATALOGUE] (--claims FILE | --cases CONNECTION [--store sqlite|postgres])`:
/// re-decides every claim of a claim file, or every stored case's request, under the baseline and the candidate
/// catalogue with the one evaluator, and reports the lines whose outcome, reason codes or required information change
/// (docs/impact-and-import.md). Exit 0 with the report, 1 when some records could not be decided (reported, the others
/// kept), 2 for a wrong command line or an unreadable input, 3 when a catalogue cannot be loaded, 4 when the store
/// cannot be read.
/// </summary>
internal static class ImpactCommand
{
    /// <summary>The most a --charges file may hold: a line per procedure code and its billed amount.</summary>
    private const int MaxChargesBytes = 256 * 1024 * 1024;

    public static Command Create(Option<string?> catalogueOption, TextWriter stdout, TextWriter stderr)
    {
        var baseline = new Option<string?>("--baseline") { Description = "The catalogue decided with today (default: the catalogue shipped with the program)" };
        var claims = new Option<string?>("--claims") { Description = "Claim file to re-decide: X12 837P, CSV of claim lines or NDJSON of coverage requests" };
        var cases = new Option<string?>("--cases") { Description = "Case store connection string: re-decide every stored case's request (as the server's Storage:ConnectionString)" };
        var store = new Option<string>("--store") { Description = "The case store's provider: sqlite or postgres", DefaultValueFactory = _ => "sqlite" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var format = new Option<string>("--format") { Description = "text (a readable summary), json or csv", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "csv");
        var output = new Option<string?>("--out") { Description = "Write the report to this file instead of standard output" };
        var lines = new Option<string?>("--lines") { Description = "Also write every changed line to this CSV file (in input order; no member ids)" };
        var samples = new Option<int>("--samples") { Description = "Sample lines kept per outcome transition, with both traces", DefaultValueFactory = _ => ImpactReport.DefaultSamples };
        var inputFormat = new Option<string?>("--input-format") { Description = "837, csv or ndjson (default: from the file's extension or first characters)" };
        inputFormat.AcceptOnlyFromAmong("837", "csv", "ndjson");
        var planMap = new Option<string?>("--plan-map") { Description = "CSV of group_number,plan_id: the plan of each 837P subscriber group (SBR03)" };
        var charges = new Option<string?>("--charges") { Description = $"CSV of {BilledAmounts.Header}: billed amounts for inputs that state none (NDJSON requests, stored cases)" };
        var workers = new Option<int?>("--workers") { Description = "Comparing threads (default: one per core)" };
        var command = new Command("impact", "Re-decide claims or stored cases under a candidate catalogue and report what changes")
        {
            baseline, claims, cases, store, format, output, lines, samples, inputFormat, planMap, charges, workers,
        };
        command.SetAction(parse => Run(new Request(
            parse.GetValue(catalogueOption), parse.GetValue(baseline), parse.GetValue(claims), parse.GetValue(cases), parse.GetValue(store)!,
            parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(lines), parse.GetValue(samples), parse.GetValue(inputFormat),
            parse.GetValue(planMap), parse.GetValue(charges), parse.GetValue(workers)), stdout, stderr));
        return command;
    }

    private sealed record Request(
        string? Candidate, string? Baseline, string? Claims, string? Cases, string Store, string Format, string? Out, string? Lines, int Samples,
        string? InputFormat, string? PlanMap, string? Charges, int? Workers);

    private static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        if ((request.Claims is null) == (request.Cases is null)) return Usage(stderr, "give one input: --claims FILE or --cases CONNECTION");
        if (request.Samples is < 0 or > 100) return Usage(stderr, "--samples must be from 0 to 100");
        if (request.Workers is < 1) return Usage(stderr, "--workers must be at least 1");
        if (request.Cases is not null && (request.InputFormat ?? request.PlanMap) is not null)
            return Usage(stderr, "--input-format and --plan-map describe a claim file; --cases reads the store");

        ClaimFileFormat? format = null;
        if (request.Claims is not null)
        {
            if (InputFile.Problem(request.Claims, "the input") is { } missing) return Usage(stderr, missing);
            var (inspected, problem) = ClaimFileFormats.Inspect(request.Claims, ClaimFileFormats.Parse(request.InputFormat));
            if (inspected is null) return Usage(stderr, $"the input '{request.Claims}' cannot be read as a claim file: {problem}");
            format = inspected;
        }
        foreach (var path in new[] { request.Out, request.Lines })
            if (path is not null && request.Claims is not null && FileIdentity.Same(path, request.Claims))
                return Usage(stderr, "the report and the changed lines must not overwrite the input");
        // Said before the run, not after it: a long run whose report cannot be written is a run lost.
        foreach (var (option, path) in new[] { ("--out", request.Out), ("--lines", request.Lines) })
            if (path is not null && (Directory.Exists(path) || Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder)))
                return Usage(stderr, Directory.Exists(path) ? $"{option} '{path}' is a folder; name the file to write" : $"{option} '{path}': its folder does not exist");

        if (!Load("baseline", request.Baseline, stderr, out var baselineCatalogue)) return ExitCodes.CatalogueError;
        if (!Load("candidate", request.Candidate, stderr, out var candidateCatalogue)) return ExitCodes.CatalogueError;

        var (plans, planProblem) = PlanMapFile.Read(request.PlanMap);
        if (plans is null) return Usage(stderr, planProblem!);

        BilledAmounts? billed = null;
        if (request.Charges is not null)
        {
            var (charges, unreadable) = InputFile.ReadUtf8(request.Charges, "the charges file", MaxChargesBytes);
            if (charges is null) return Usage(stderr, unreadable!);
            using var reader = new StringReader(Encoding.UTF8.GetString(charges));
            var (amounts, problems) = BilledAmounts.Parse(reader);
            if (amounts is null) return Usage(stderr, $"the charges file '{request.Charges}' is invalid: {string.Join("; ", problems)}");
            billed = amounts;
        }

        var report = new ImpactReport(
            new ImpactCatalogue(request.Baseline ?? "the shipped catalogue", baselineCatalogue.Digest),
            new ImpactCatalogue(request.Candidate ?? "the shipped catalogue", candidateCatalogue.Digest),
            request.Claims is not null ? $"claims {request.Claims} ({format!.Value.ToWire()})" : $"the cases of the {request.Store} store",
            request.Samples);
        var candidate = new Evaluator(candidateCatalogue, TimeProvider.System);
        var runner = new ImpactRunner(new Evaluator(baselineCatalogue, TimeProvider.System), candidate, request.Workers ?? 0, billed);

        StreamWriter? linesFile = null;
        try
        {
            if (request.Lines is not null)
            {
                linesFile = new StreamWriter(request.Lines, append: false, new UTF8Encoding(false));
                linesFile.Write(ImpactCsv.LinesHeader + "\n");
            }
            Action<ImpactLine>? eachChange = linesFile is null ? null : line => linesFile.Write(ImpactCsv.LineRow(line));
            var exit = request.Claims is not null
                ? RunClaims(runner, report, request.Claims, format!.Value, plans, eachChange, stderr)
                : RunCasesAsync(runner, candidate, report, request.Cases!, request.Store, eachChange, stderr).GetAwaiter().GetResult();
            if (exit != ExitCodes.Ok) return exit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"coverage: impact: {e.Message}");
            return ExitCodes.InputError;
        }
        finally
        {
            linesFile?.Dispose();
        }

        var text = request.Format switch
        {
            "json" => ImpactJson.Write(report),
            "csv" => ImpactCsv.Write(report),
            _ => ImpactText.Write(report),
        };
        if (request.Out is null) stdout.Write(text);
        else
        {
            try
            {
                File.WriteAllText(request.Out, text, new UTF8Encoding(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"coverage: impact: cannot write the report to '{request.Out}': {e.Message}");
                return ExitCodes.InputError;
            }
            stdout.WriteLine($"coverage: impact: {report.Changed.Lines:N0} of {report.LinesCompared:N0} lines change; report written to {request.Out}");
        }
        if (report.Rejected > 0) stderr.WriteLine($"coverage: impact: {report.Rejected:N0} record(s) could not be decided and were left out (listed in the report)");
        return report.Rejected > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static int RunClaims(ImpactRunner runner, ImpactReport report, string path, ClaimFileFormat format, PlanMap plans, Action<ImpactLine>? eachChange, TextWriter stderr)
    {
        var progress = new BatchProgress();
        var inputs = Inputs(ClaimFileRecords.Read(path, format, plans, progress));
        try
        {
            ImpactConsole.Run(() => runner.RunAsync(inputs, report, eachChange), runner.Progress, stderr,
                () => (progress.BytesRead, Math.Max(1, progress.InputBytes)));
        }
        catch (ClaimFileException e)
        {
            return Usage(stderr, e.Message);
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Each claim as an impact input. Voids (837P CLM05-3 = 8) ask for nothing to be decided and encounters are not
    /// requests for payment (as `coverage adjudicate` leaves them undecided): neither is re-decided.
    /// </summary>
    private static async IAsyncEnumerable<ImpactInput> Inputs(IEnumerable<ClaimRecord> records)
    {
        foreach (var record in records)
        {
            if (!record.IsRejected && (record.Frequency == ClaimFrequency.Void || record.Encounter)) continue;
            yield return new ImpactInput
            {
                Position = record.Position.ToString(),
                Id = record.ClaimId,
                Charges = record.LineCharges,
                Read = catalogue =>
                {
                    var (request, errors) = record.Validate(catalogue);
                    return request is not null ? ImpactRead.Of(request) : ImpactRead.Bad([.. errors.Select(e => $"{e.Position}: {e}")]);
                },
            };
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Every stored case's request, read through the store's own query as payer staff under the operator's account
    /// ("cli:NAME", as `coverage report` does) and audited in the store with the number of requests read.
    /// </summary>
    private static async Task<int> RunCasesAsync(
        ImpactRunner runner, Evaluator candidate, ImpactReport report, string connection, string provider, Action<ImpactLine>? eachChange, TextWriter stderr)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        // The store's services want an evaluator; nothing here submits or re-evaluates a case, so it is the candidate's.
        services.AddSingleton(candidate);
        services.AddLogging();
        services.AddCaseStore(provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, connection);
        // The store's new-case writer is disposed asynchronously only.
        await using var provided = services.BuildServiceProvider();
        using var scope = provided.CreateScope();
        var caller = new Caller(new Actor($"cli:{Environment.UserName}", "operator"), "payer", CallerAccess.PayerStaff);
        StoreResult<long>? read = null;
        try
        {
            ImpactConsole.Run(async () => read = await scope.ServiceProvider.GetRequiredService<CaseService>().ImpactAsync(runner, report, caller, eachChange, CancellationToken.None),
                runner.Progress, stderr, progressOfInput: null);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            stderr.WriteLine($"coverage: cannot read the case store: {e.Message}");
            return ExitCodes.StoreError;
        }
        if (read?.Error is { } error)
        {
            stderr.WriteLine($"coverage: {error.Message}");
            return ExitCodes.InputError;
        }
        return ExitCodes.Ok;
    }

    private static bool Load(string role, string? dir, TextWriter stderr, out PolicyCatalogue catalogue)
    {
        var root = CatalogueLocator.Resolve(dir);
        var (loaded, errors) = CatalogueLoader.TryLoad(root);
        catalogue = loaded!;
        if (loaded is not null) return true;
        stderr.WriteLine($"coverage: impact: the {role} catalogue in {root} is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):");
        CatalogueProblems.Write(stderr, errors);
        return false;
    }

    private static int Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"coverage: impact: {message}");
        return ExitCodes.InputError;
    }
}
