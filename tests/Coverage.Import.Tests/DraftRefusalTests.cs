using Coverage.Engine.Catalogue;
using Coverage.Testing;

namespace Coverage.Import.Tests;

/// <summary>
/// Nothing half-mapped decides a case: a catalogue that holds a draft does not load (so no evaluator is ever built
/// with it), whether it still says "status: draft" or its criteria are merely unmapped; and an unmapped criterion
/// is unknown whatever the facts.
/// </summary>
public sealed class DraftRefusalTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A copy of the repository's catalogue with the imported draft among its policies.</summary>
    private string CatalogueWithDraft(out string draftPolicyFile)
    {
        var root = Path.Combine(_temp.Path, "catalogue");
        foreach (var folder in new[] { "policies", "plans" })
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(root, Path.GetRelativePath(RepositoryRoot.Path, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        var draft = PolicyImporter.Import(Sources.Path(Sources.AnthemHifu));
        var draftFolder = Path.Combine(root, "policies", "CG-MED-81-draft");
        DraftFolder.Write(draftFolder, draft, File.ReadAllBytes(Sources.Path(Sources.AnthemHifu)), force: false);
        draftPolicyFile = Path.Combine(draftFolder, "policy.yaml");
        Assert.NotNull(CatalogueLoader.TryLoad(Path.Combine(RepositoryRoot.Path)).Catalogue);
        return root;
    }

    [Fact]
    public void Load_ACatalogueHoldingADraft_IsRefusedNamingTheDraftAndEachUnmappedCriterion()
    {
        var root = CatalogueWithDraft(out _);
        var (catalogue, errors) = CatalogueLoader.TryLoad(root);
        Assert.Null(catalogue);
        Assert.Contains(errors, e => e.Path == "status" && e.Message.Contains("draft", StringComparison.Ordinal) && e.File.Contains("CG-MED-81-draft", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count(e => e.Message.StartsWith("criterion not mapped to facts", StringComparison.Ordinal)));
        Assert.Throws<CatalogueException>(() => CatalogueLoader.Load(root));
    }

    [Fact]
    public void Load_ADraftWithoutItsStatusButWithUnmappedCriteria_IsStillRefused()
    {
        var root = CatalogueWithDraft(out var policyFile);
        File.WriteAllText(policyFile, File.ReadAllText(policyFile).Replace("status: draft\n", "", StringComparison.Ordinal));
        var (catalogue, errors) = CatalogueLoader.TryLoad(root);
        Assert.Null(catalogue);
        Assert.DoesNotContain(errors, e => e.Path == "status");
        Assert.Contains(errors, e => e.Path.EndsWith(".criteria.all[0].when", StringComparison.Ordinal) && e.Message.Contains("Age 18 years or older", StringComparison.Ordinal));
    }

    [Fact]
    public void UnmappedCriterion_IsUnknownWhateverTheFacts()
    {
        var read = CatalogueLoader.LoadDraft(Path.Combine(Path.GetDirectoryName(CatalogueWithDraft(out var policyFile))!, "catalogue", "policies", "CG-MED-81-draft"), Sources.Catalogue);
        Assert.NotNull(policyFile);
        var criterion = read.Policy!.CurrentVersion.Rules[0].Criteria!.Criteria.First();
        Assert.Equal(Truth.Unknown, criterion.Condition.Evaluate(new NoFacts()));
    }

    private sealed class NoFacts : IFactSource
    {
        public IReadOnlyList<string> Diagnoses => ["C7951"];

        public bool TryGet(string name, out Coverage.Engine.Model.FactValue value)
        {
            value = default;
            return false;
        }
    }
}
