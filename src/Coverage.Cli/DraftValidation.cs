using Coverage.Engine.Catalogue;

namespace Coverage.Cli;

/// <summary>
/// coverage policy validate FOLDER, for one policy folder (an imported draft): reads it as a draft against the
/// catalogue's clinical facts and lists every criterion not mapped to facts, then every other item only an analyst
/// can supply. Exit 0 when the policy is complete and no longer marked draft, 5 (<see cref="ExitCodes.Draft"/>)
/// while it cannot decide a case, 1 when its files are wrong.
/// </summary>
internal static class DraftValidation
{
    public static bool IsPolicyFolder(string dir) => File.Exists(Path.Combine(dir, "policy.yaml"));

    public static int Run(string dir, string? catalogueOption, TextWriter stdout, TextWriter stderr)
    {
        var read = CatalogueLoader.LoadDraft(dir, CatalogueLocator.Resolve(catalogueOption));
        if (read.Errors.Count > 0)
        {
            stderr.WriteLine($"coverage: the policy in {dir} is invalid ({read.Errors.Count} problem{(read.Errors.Count == 1 ? "" : "s")}):");
            CatalogueProblems.Write(stderr, read.Errors);
            return ExitCodes.Failed;
        }
        var policy = read.Policy!;
        if (read.IsComplete && !read.MarkedDraft)
        {
            stdout.WriteLine($"ok: policy {policy.Id} is complete ({policy.Versions.Count} versions); add its folder to a catalogue's policies/ to use it");
            return ExitCodes.Ok;
        }
        var unmapped = read.UnmappedCriteria;
        var others = read.Gaps.Except(unmapped).ToList();
        stdout.WriteLine($"draft: policy {policy.Id} \"{policy.Title}\" reads as a draft and cannot decide a case: " +
            $"{unmapped.Count} criteri{(unmapped.Count == 1 ? "on" : "a")} not mapped to facts, {others.Count} other item{(others.Count == 1 ? "" : "s")} to complete" +
            (read.MarkedDraft ? ", status: draft" : ""));
        if (unmapped.Count > 0)
        {
            stdout.WriteLine("Criteria not mapped to facts:");
            foreach (var gap in unmapped) stdout.WriteLine($"  {gap}");
        }
        if (others.Count > 0)
        {
            stdout.WriteLine("To complete:");
            foreach (var gap in others) stdout.WriteLine($"  {gap}");
        }
        if (read.IsComplete) stdout.WriteLine("Nothing is missing: remove \"status: draft\" from policy.yaml to let it decide cases.");
        return ExitCodes.Draft;
    }
}
