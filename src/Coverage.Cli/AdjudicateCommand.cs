using System.CommandLine;
using Coverage.Claims;
using Coverage.Claims.Batch;
using Coverage.Claims.X12;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;

namespace Coverage.Cli;

/// <summary>
/// `coverage adjudicate INPUT --out RESULTS`: decides every claim of an 837P, CSV or NDJSON file with the same
/// evaluator as `evaluate` (docs/batch.md). Exit 0 when every record was decided, 1 when some were rejected,
/// 2 for usage errors and inputs that cannot be read at all, 3 when the catalogue cannot be loaded.
/// </summary>
internal static class AdjudicateCommand
{
    public static Command Create(Option<string?> catalogueOption, TextWriter stdout, TextWriter stderr)
    {
        var input = new Argument<string>("input") { Description = "Claim file: X12 837P (.837, .x12, .edi), CSV of claim lines (.csv) or NDJSON of coverage requests (.ndjson)" };
        var output = new Option<string>("--out") { Description = "Results: one determination JSON per claim, in input order (NDJSON)", Required = true };
        var adjustments = new Option<string?>("--adjustments") { Description = "Line adjustments CSV (default: RESULTS stem + .adjustments.csv)" };
        var errors = new Option<string?>("--errors") { Description = "Rejected records, one JSON per line with position and reason (default: RESULTS stem + .errors.ndjson)" };
        var resume = new Option<bool>("--resume") { Description = "Finish an interrupted run from its checkpoint (RESULTS.checkpoint); claims already written are not decided again" };
        var format = new Option<string?>("--input-format") { Description = "837, csv or ndjson (default: from the file's extension or first characters)" };
        format.AcceptOnlyFromAmong("837", "csv", "ndjson");
        var planMap = new Option<string?>("--plan-map") { Description = "CSV of group_number,plan_id: the plan of each 837P subscriber group (SBR03); other groups get the default plan" };
        var workers = new Option<int?>("--workers") { Description = "Evaluating threads (default: one per core)" };
        var results = new Option<string>("--results")
        {
            Description = "full: each claim's whole determination (rationale, citations, trace); compact: outcomes, reason codes, policy versions and what is needed (about 0.7 KB a claim against 2.6 KB; docs/batch.md)",
            DefaultValueFactory = _ => "full",
        };
        results.AcceptOnlyFromAmong("full", "compact");
        var acknowledgment = new Option<string?>("--ack")
        {
            Description = "Write the X12 999 implementation acknowledgment of an 837P input to this file (per functional group: accepted, accepted with errors, or rejected, with segment and element errors)",
        };
        var encounters = new Option<bool>("--adjudicate-encounters")
        {
            Description = "Decide 837P encounters (BHT06 RP) as claims; by default they are reported in the results as received, not decided for payment",
        };

        var command = new Command("adjudicate", "Decide every claim of a claim file; write determinations, line adjustments and rejected records")
        {
            input, output, results, adjustments, errors, resume, format, planMap, workers, encounters, acknowledgment,
        };
        command.SetAction(parse =>
        {
            var resultsPath = parse.GetValue(output)!;
            var (defaultAdjustments, defaultErrors) = BatchOptions.CompanionPaths(resultsPath);
            return Run(new Request(
                parse.GetValue(input)!, resultsPath, ResultsModes.Parse(parse.GetValue(results)) ?? ResultsMode.Full,
                parse.GetValue(adjustments) ?? defaultAdjustments,
                parse.GetValue(errors) ?? defaultErrors,
                parse.GetValue(resume), parse.GetValue(format), parse.GetValue(planMap), parse.GetValue(workers),
                parse.GetValue(catalogueOption), parse.GetValue(encounters), parse.GetValue(acknowledgment)), stdout, stderr);
        });
        return command;
    }

    private sealed record Request(
        string Input, string Results, ResultsMode Mode, string Adjustments, string Errors, bool Resume, string? Format, string? PlanMap, int? Workers, string? Catalogue,
        bool AdjudicateEncounters, string? Acknowledgment);

    private static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        if (InputFile.Problem(request.Input, "the input") is { } missing) return Usage(stderr, missing);
        var stated = request.Format is null ? null : ClaimFileFormats.Parse(request.Format);
        if (request.Format is not null && stated is null) return Usage(stderr, $"--input-format '{request.Format}' is not 837, csv or ndjson");
        var (format, problem) = ClaimFileFormats.Inspect(request.Input, stated);
        if (format is null) return Usage(stderr, $"the input '{request.Input}' cannot be read as a claim file: {problem}");
        if (request.Workers is < 1) return Usage(stderr, "--workers must be at least 1");
        if (request.Acknowledgment is not null && format != ClaimFileFormat.X12) return Usage(stderr, "--ack writes an X12 999, which acknowledges X12 input only");
        // Said before the run, not after it: a directory cannot take an output (opening it failed as "access denied",
        // and an --ack only once every claim had been decided).
        foreach (var (option, path) in new[] { ("--out", request.Results), ("--adjustments", request.Adjustments), ("--errors", request.Errors), ("--ack", request.Acknowledgment) })
            if (path is not null && Directory.Exists(path)) return Usage(stderr, $"{option} '{path}' is a directory; name the file to write");

        var options = new BatchOptions
        {
            InputPath = request.Input,
            Format = format.Value,
            ResultsPath = request.Results,
            Results = request.Mode,
            AdjustmentsPath = request.Adjustments,
            ErrorsPath = request.Errors,
            Resume = request.Resume,
            Workers = request.Workers ?? Environment.ProcessorCount,
            AdjudicateEncounters = request.AdjudicateEncounters,
        };
        if (SameFile(options, request.Acknowledgment) is { } clash) return Usage(stderr, clash);

        var (catalogue, catalogueErrors) = CatalogueLoader.TryLoad(CatalogueLocator.Resolve(request.Catalogue));
        if (catalogue is null)
        {
            stderr.WriteLine($"coverage: cannot load the policy catalogue from {CatalogueLocator.Resolve(request.Catalogue)}:");
            CatalogueProblems.Write(stderr, catalogueErrors);
            return ExitCodes.CatalogueError;
        }

        var (plans, planProblem) = PlanMapFile.Read(request.PlanMap, catalogue);
        if (plans is null) return Usage(stderr, planProblem!);

        options = options with { PlanMap = plans };
        var adjudicator = new BatchAdjudicator(new Evaluator(catalogue, TimeProvider.System), options);
        BatchSummary summary;
        try
        {
            // A progress bar only for a person watching a terminal; logs and pipes get nothing but the summary.
            summary = BatchConsole.IsTerminal(stdout)
                ? BatchConsole.RunWithProgressAsync(adjudicator, request.Input).GetAwaiter().GetResult()
                : adjudicator.RunAsync().GetAwaiter().GetResult();
        }
        catch (ClaimFileException e)
        {
            return Usage(stderr, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A write that failed midway (a full disk: ENOSPC): what was synced before the last checkpoint stands.
            stderr.WriteLine($"coverage: adjudicate: writing the outputs failed: {e.Message}");
            stderr.WriteLine("The outputs hold every claim up to the last checkpoint; once the problem is fixed, run again with --resume to finish.");
            return ExitCodes.InputError;
        }
        stdout.Write(BatchConsole.Summary(summary));
        if (request.Acknowledgment is not null)
        {
            try
            {
                // The 999 reads the input again, structurally (Acknowledgment999): the batch's own outputs stay as they are.
                using (var ack = new StreamWriter(request.Acknowledgment, append: false, new System.Text.UTF8Encoding(false)))
                    Acknowledgment999.Write(request.Input, ack, catalogue, plans, DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"coverage: adjudicate: cannot write the acknowledgment {request.Acknowledgment}: {e.Message}");
                stderr.WriteLine("The results, adjustments and errors are complete: run again with --resume (nothing is decided again) and a writable --ack.");
                return ExitCodes.InputError;
            }
            stdout.WriteLine($"  acknowledgment: {request.Acknowledgment} (X12 999)");
        }
        return summary.Totals.Rejected > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>
    /// Two of the files a run writes that are one file, or one that is the input (through a symbolic or a hard link):
    /// writing it would truncate the file being read, or mix two outputs in one.
    /// </summary>
    private static string? SameFile(BatchOptions options, string? acknowledgment)
    {
        List<(string Name, string Path)> writes = [.. options.Writes];
        if (acknowledgment is not null) writes.Add(("--ack", acknowledgment));
        for (var i = 0; i < writes.Count; i++)
        {
            if (FileIdentity.Same(writes[i].Path, options.InputPath))
                return $"{writes[i].Name} '{writes[i].Path}' is the input '{options.InputPath}' (the same file): writing it would destroy the claims being read; name another file";
            for (var j = 0; j < i; j++)
                if (FileIdentity.Same(writes[i].Path, writes[j].Path))
                    return $"{writes[j].Name} '{writes[j].Path}' and {writes[i].Name} '{writes[i].Path}' are the same file; the results, adjustments, errors, " +
                        "acknowledgment and checkpoint must be different files, none of them the input";
        }
        return null;
    }

    private static int Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"coverage: adjudicate: {message}");
        return ExitCodes.InputError;
    }
}
