namespace Coverage.Engine.Catalogue;

/// <summary>
/// A draft policy folder read for the analyst (<see cref="CatalogueLoader.LoadDraft"/>): the policy as far as the
/// document gave it, the errors that make it unreadable, and the gaps only an analyst can fill — unmapped criteria
/// first among them. A draft with gaps, or marked "status: draft", never loads into a catalogue.
/// </summary>
public sealed record DraftPolicyRead(CoveragePolicy? Policy, IReadOnlyList<CatalogueError> Errors, IReadOnlyList<CatalogueError> Gaps)
{
    /// <summary>The policy file says "status: draft".</summary>
    public bool MarkedDraft { get; init; }

    /// <summary>The criteria still written "unmapped: true", each with its path in policy.yaml.</summary>
    public IReadOnlyList<CatalogueError> UnmappedCriteria => [.. Gaps.Where(g => g.Path.EndsWith(".when", StringComparison.Ordinal) && g.Path.Contains(".criteria", StringComparison.Ordinal))];

    /// <summary>Readable, and nothing is left for the analyst (the status may still say draft).</summary>
    public bool IsComplete => Policy is not null && Errors.Count == 0 && Gaps.Count == 0;
}

public static partial class CatalogueLoader
{
    /// <summary>The value of a policy file's "status" that marks a draft imported from a document.</summary>
    public const string DraftStatus = "draft";

    /// <summary>
    /// Reads one policy folder as a draft: every check of <see cref="TryLoad"/> applies, except that what only an
    /// analyst can supply (criteria mapped to facts, modalities and their synonyms, a code's modality and validity,
    /// the condition, earlier versions' statements…) is listed as a gap instead of failing the read. Criteria read
    /// the clinical facts of the catalogue at <paramref name="catalogueRoot"/> and the folder's own facts.yaml.
    /// </summary>
    public static DraftPolicyRead LoadDraft(string policyDir, string catalogueRoot)
    {
        var folder = Path.GetFullPath(policyDir);
        var problems = new Problems(Path.GetDirectoryName(folder) ?? folder);
        var roots = Roots(catalogueRoot, problems);
        if (problems.Any) return new DraftPolicyRead(null, problems.Errors, []);
        var factFiles = new List<string> { Path.Combine(roots[0], "policies", FactsFileName) };
        foreach (var dir in roots.SelectMany(r => CatalogueDisk.Folders(Path.Combine(r, "policies"))).Append(folder))
        {
            var file = Path.GetFullPath(Path.Combine(dir, PolicyFactsFileName));
            // The draft may sit inside the catalogue: its facts are read once.
            if (CatalogueDisk.FileExists(file) && !factFiles.Contains(file, StringComparer.Ordinal)) factFiles.Add(file);
        }
        var facts = LoadFacts(factFiles, problems);
        if (facts is null) return new DraftPolicyRead(null, problems.Errors, []);
        problems.ReadingDraft = true;
        var policy = LoadPolicy(folder, facts, problems);
        var policyFile = Path.Combine(folder, "policy.yaml");
        var marked = CatalogueDisk.FileExists(policyFile) && Read<PolicyFile>(policyFile, new Problems(folder))?.Status == DraftStatus;
        return new DraftPolicyRead(problems.Any ? null : policy, problems.Errors, problems.Gaps) { MarkedDraft = marked };
    }
}
