using System.CommandLine;
using System.Globalization;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;

namespace Coverage.Cli;

/// <summary>The `coverage` command line: evaluate, policy show, policy validate, policy import (PolicyImportCommand), adjudicate (batch claim files), report (prior-authorization metrics of a case store).</summary>
internal static class CoverageCommand
{
    public static int Run(string[] args, Stream stdin, TextWriter stdout, TextWriter stderr)
    {
        var catalogueOption = new Option<string?>("--catalogue")
        {
            Description = $"Folder holding policies/ and plans/ (default: ${CatalogueLocator.EnvironmentVariable}, else the copy shipped with the program)",
            Recursive = true,
        };

        var file = new Argument<string>("file") { Description = "Coverage request JSON file, or - for standard input" };
        var format = new Option<string>("--format") { Description = "json (the determination) or text (a readable summary)", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text");
        var evaluate = new Command("evaluate", "Decide every service line of a coverage request and print the determination") { file, format };
        evaluate.SetAction(parse => Evaluate(parse.GetValue(file)!, parse.GetValue(format)!, parse.GetValue(catalogueOption), stdin, stdout, stderr));

        var policyId = new Argument<string>("id") { Description = "Policy number, such as 0540" };
        var asOf = new Option<string?>("--as-of") { Description = "Show the version in effect on this date (YYYY-MM-DD); default: the current version" };
        var show = new Command("show", "Print the policy version in effect on a date: statement, codes, modalities, revision history") { policyId, asOf };
        show.SetAction(parse => Show(parse.GetValue(policyId)!, parse.GetValue(asOf), parse.GetValue(catalogueOption), stdout, stderr));

        var directory = new Argument<string?>("dir") { Description = "Catalogue folder to check (holding policies/ and plans/), or one policy folder (holding policy.yaml)", Arity = ArgumentArity.ZeroOrOne };
        var validate = new Command("validate", "Check policy and plan files without evaluating anything; given a policy folder (a draft), list what it still needs") { directory };
        validate.SetAction(parse => parse.GetValue(directory) is { } folder && DraftValidation.IsPolicyFolder(folder)
            ? DraftValidation.Run(folder, parse.GetValue(catalogueOption), stdout, stderr)
            : Validate(parse.GetValue(directory) ?? parse.GetValue(catalogueOption), stdout, stderr));

        var list = new Command("list", "List the policies and plans of the catalogue");
        list.SetAction(parse => List(parse.GetValue(catalogueOption), stdout, stderr));

        var policy = new Command("policy", "Inspect and check the policy catalogue") { show, validate, list };
        policy.Subcommands.Add(PolicyImportCommand.Create(stdout, stderr));
        policy.Subcommands.Add(PolicyDiffCommand.Create(catalogueOption, stdout, stderr));
        var root = new RootCommand("Coverage: decides service lines against computable medical coverage policies.")
        {
            evaluate, policy, AdjudicateCommand.Create(catalogueOption, stdout, stderr), ReportCommand.Create(catalogueOption, stdout, stderr),
        };
        root.Subcommands.Add(ImpactCommand.Create(catalogueOption, stdout, stderr));
        root.Options.Add(catalogueOption);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine($"coverage: {error.Message}");
            stderr.WriteLine("Run 'coverage --help' for usage.");
            return ExitCodes.InputError;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static int Evaluate(string path, string format, string? catalogueDir, Stream stdin, TextWriter stdout, TextWriter stderr)
    {
        var (json, problem) = RequestFile.Read(path, stdin);
        if (json is null)
        {
            stderr.WriteLine($"coverage: {problem}");
            return ExitCodes.InputError;
        }

        if (!TryLoad(catalogueDir, stderr, out var catalogue)) return ExitCodes.CatalogueError;
        var read = RequestReader.Read(json, catalogue);
        if (!read.IsValid)
        {
            stderr.WriteLine($"coverage: invalid request: {read.Errors[0]}");
            foreach (var more in read.Errors.Skip(1)) stderr.WriteLine($"  also: {more}");
            return ExitCodes.InputError;
        }

        var determination = new Evaluator(catalogue, TimeProvider.System).Evaluate(read.Request!);
        stdout.WriteLine(format == "text" ? TextSummary.Render(determination) : DeterminationWriter.ToJson(determination));
        return ExitCodes.Ok;
    }

    private static int Show(string id, string? asOf, string? catalogueDir, TextWriter stdout, TextWriter stderr)
    {
        DateOnly? date = null;
        if (asOf is not null)
        {
            if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                stderr.WriteLine($"coverage: --as-of: '{asOf}' is not a valid date (YYYY-MM-DD)");
                return ExitCodes.InputError;
            }
            date = parsed;
        }
        if (!TryLoad(catalogueDir, stderr, out var catalogue)) return ExitCodes.CatalogueError;
        var policy = catalogue.FindPolicy(id);
        if (policy is null)
        {
            stderr.WriteLine($"coverage: no policy '{id}' in the catalogue (known: {string.Join(", ", catalogue.Policies.Select(p => p.Id))})");
            return ExitCodes.InputError;
        }
        var version = date is null ? policy.CurrentVersion : policy.VersionOn(date.Value);
        if (version is null)
        {
            stderr.WriteLine($"coverage: policy {policy.Id} has no version in effect on {date:yyyy-MM-dd}; its first version is effective {policy.Versions[0].Version}");
            return ExitCodes.InputError;
        }
        stdout.Write(PolicyPrinter.Render(policy, version, date));
        return ExitCodes.Ok;
    }

    private static int Validate(string? dir, TextWriter stdout, TextWriter stderr)
    {
        var root = CatalogueLocator.Resolve(dir);
        var (catalogue, errors) = CatalogueLoader.TryLoad(root);
        if (catalogue is null)
        {
            stderr.WriteLine($"coverage: the catalogue in {root} is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):");
            CatalogueProblems.Write(stderr, errors);
            return ExitCodes.Failed;
        }
        stdout.WriteLine($"ok: {catalogue.Policies.Count} polic{(catalogue.Policies.Count == 1 ? "y" : "ies")} " +
            $"({string.Join(", ", catalogue.Policies.Select(p => $"{p.Id} with {p.Versions.Count} versions"))}), " +
            $"{catalogue.Plans.Count} plans, {catalogue.Facts.All.Count()} clinical facts; {catalogue.Digest}");
        return ExitCodes.Ok;
    }

    private static int List(string? catalogueDir, TextWriter stdout, TextWriter stderr)
    {
        if (!TryLoad(catalogueDir, stderr, out var catalogue)) return ExitCodes.CatalogueError;
        stdout.WriteLine("Policies:");
        foreach (var policy in catalogue.Policies)
            stdout.WriteLine($"  {policy.Id}  {policy.Title} (current version {policy.CurrentVersion.Version}, next review {policy.NextReviewDate:yyyy-MM-dd})");
        stdout.WriteLine("Plans:");
        foreach (var plan in catalogue.Plans)
            stdout.WriteLine($"  {plan.Id}{(plan.IsDefault ? " (default)" : "")}  {plan.Name}");
        return ExitCodes.Ok;
    }

    internal static bool TryLoad(string? dir, TextWriter stderr, out PolicyCatalogue catalogue)
    {
        var root = CatalogueLocator.Resolve(dir);
        var (loaded, errors) = CatalogueLoader.TryLoad(root);
        if (loaded is null)
        {
            stderr.WriteLine($"coverage: cannot load the policy catalogue from {root}:");
            CatalogueProblems.Write(stderr, errors);
            catalogue = null!;
            return false;
        }
        catalogue = loaded;
        return true;
    }
}
