using Coverage.Engine.Catalogue;
using Coverage.Testing;

namespace Coverage.Import.Tests;

/// <summary>
/// Reading a folder as a draft applies the catalogue's own checks: a complete, hand-written policy read as a draft has
/// no gap and no error, and reads to the policy the catalogue holds; what a gap names is an error in a catalogue.
/// </summary>
public sealed class DraftReadingTests
{
    public static TheoryData<string, string, string> HandWritten() => new()
    {
        { "policies/0540-ablative-breast", "", "0540" },
        { "catalogues/with-related-resources/policies/CG-MED-81-ultrasound-ablation-oncologic", "catalogues/with-related-resources", "CG-MED-81" },
        { "catalogues/with-related-resources/policies/MP-728-litt-neurological-disorders", "catalogues/with-related-resources", "MP-728" },
    };

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void LoadDraft_OfAHandWrittenPolicy_ListsNothingAndReadsThePolicyTheCatalogueHolds(string folder, string catalogue, string id)
    {
        var root = Path.Combine(RepositoryRoot.Path, catalogue);
        var read = CatalogueLoader.LoadDraft(Path.Combine(RepositoryRoot.Path, folder), root);

        Assert.Empty(read.Errors);
        Assert.Empty(read.Gaps);
        Assert.True(read.IsComplete);
        Assert.False(read.MarkedDraft);
        var held = CatalogueLoader.Load(root).FindPolicy(id)!;
        var draft = read.Policy!;
        Assert.Equal((held.Id, held.Title, held.Publisher, held.EffectiveDate, held.NextReviewDate), (draft.Id, draft.Title, draft.Publisher, draft.EffectiveDate, draft.NextReviewDate));
        Assert.Equal(held.Codes.Values, draft.Codes.Values);
        Assert.Equal(held.Versions.Select(v => (v.Version, v.Statement, v.Rules.Count)), draft.Versions.Select(v => (v.Version, v.Statement, v.Rules.Count)));
        Assert.Equal(held.References.Values, draft.References.Values);
    }
}
