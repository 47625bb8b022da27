using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Cases.Impact;

namespace Coverage.Cli;

/// <summary>
/// `coverage policy diff A B` (two catalogue folders) or `coverage policy diff --policy ID --from VERSION --to VERSION`
/// (two versions of one policy of the catalogue): what changed, in sentences (docs/impact-and-import.md). Exit 0 with
/// the changes (none is not an error), 2 for a wrong command line, 3 when a catalogue cannot be loaded.
/// </summary>
internal static class PolicyDiffCommand
{
    public static Command Create(Option<string?> catalogueOption, TextWriter stdout, TextWriter stderr)
    {
        var before = new Argument<string?>("before") { Description = "The catalogue folder before the change", Arity = ArgumentArity.ZeroOrOne };
        var after = new Argument<string?>("after") { Description = "The catalogue folder after the change", Arity = ArgumentArity.ZeroOrOne };
        var policy = new Option<string?>("--policy") { Description = "Compare two versions of this policy (of --catalogue) instead of two catalogues" };
        var from = new Option<string?>("--from") { Description = "The earlier version (its effective date, YYYY-MM-DD), with --policy" };
        var to = new Option<string?>("--to") { Description = "The later version, with --policy (default: the version after --from)" };
        var format = new Option<string>("--format") { Description = "text (sentences) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("diff", "What changed between two catalogues, or two versions of a policy: rules, criteria, codes, validity dates, texts")
        {
            before, after, policy, from, to, format,
        };
        command.SetAction(parse => Run(
            parse.GetValue(before), parse.GetValue(after), parse.GetValue(policy), parse.GetValue(from), parse.GetValue(to), parse.GetValue(format)!,
            parse.GetValue(catalogueOption), stdout, stderr));
        return command;
    }

    private static int Run(string? before, string? after, string? policyId, string? from, string? to, string format, string? catalogueDir, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<PolicyChange> changes;
        string title;
        if (policyId is not null)
        {
            if (before is not null || after is not null) return Usage(stderr, "give two catalogue folders, or --policy with --from (and --to), not both");
            if (from is null) return Usage(stderr, "--policy needs --from VERSION (and --to VERSION, else the version after it)");
            if (!CoverageCommand.TryLoad(catalogueDir, stderr, out var catalogue)) return ExitCodes.CatalogueError;
            var policy = catalogue.FindPolicy(policyId);
            if (policy is null) return Usage(stderr, $"no policy '{policyId}' in the catalogue (known: {string.Join(", ", catalogue.Policies.Select(p => p.Id))})");
            var versions = string.Join(", ", policy.Versions.Select(v => v.Version));
            var earlier = policy.Versions.FirstOrDefault(v => v.Version == from);
            if (earlier is null) return Usage(stderr, $"--from: policy {policy.Id} has no version '{from}' (versions: {versions})");
            var later = to is null ? policy.Versions.FirstOrDefault(v => v.Effective > earlier.Effective) : policy.Versions.FirstOrDefault(v => v.Version == to);
            if (later is null)
                return Usage(stderr, to is null ? $"--from: version {from} is policy {policy.Id}'s latest; there is none after it" : $"--to: policy {policy.Id} has no version '{to}' (versions: {versions})");
            changes = PolicyDiff.Between(policy, earlier, later);
            title = $"Policy {policy.Id} \"{policy.Title}\": version {earlier.Version} → {later.Version}";
        }
        else
        {
            if (before is null || after is null) return Usage(stderr, "give two catalogue folders (BEFORE AFTER), or --policy ID --from VERSION [--to VERSION]");
            if (from is not null || to is not null) return Usage(stderr, "--from and --to compare versions of one policy: give --policy too");
            if (!CoverageCommand.TryLoad(before, stderr, out var old)) return ExitCodes.CatalogueError;
            if (!CoverageCommand.TryLoad(after, stderr, out var now)) return ExitCodes.CatalogueError;
            changes = PolicyDiff.Between(old, now);
            title = $"{after} against {before}";
        }

        if (format == "json") stdout.Write(Json(title, changes));
        else
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {(changes.Count == 0 ? "no change" : $"{changes.Count} change{(changes.Count == 1 ? "" : "s")}")}");
            foreach (var group in changes.GroupBy(c => c.Subject))
            {
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(group.Key[0])}{group.Key[1..]}:");
                foreach (var change in group) text.AppendLine(CultureInfo.InvariantCulture, $"  - {change.Sentence}");
            }
            stdout.Write(text.ToString());
        }
        return ExitCodes.Ok;
    }

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(string title, IReadOnlyList<PolicyChange> changes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("comparison", title);
            json.WriteStartArray("changes");
            foreach (var change in changes)
            {
                json.WriteStartObject();
                json.WriteString("subject", change.Subject);
                json.WriteString("kind", change.Kind);
                json.WriteString("sentence", change.Sentence);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static int Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"coverage: policy diff: {message}");
        return ExitCodes.InputError;
    }
}
