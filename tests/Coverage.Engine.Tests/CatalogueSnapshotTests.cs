using Coverage.Engine.Catalogue;

namespace Coverage.Engine.Tests;

/// <summary>A catalogue kept as a snapshot loads again, elsewhere, as the same catalogue (same digest), or not at all.</summary>
public sealed class CatalogueSnapshotTests : IDisposable
{
    private static readonly string Extension = Path.Combine(TestCatalogue.RepositoryRoot, "catalogues", "with-related-resources");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "coverage-snapshot-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Snapshot_OfAnExtension_LoadsElsewhereWithTheSameDigestAndPolicies()
    {
        var live = CatalogueLoader.Load(Extension);
        var snapshot = CatalogueLoader.Snapshot(Extension);

        var kept = CatalogueSnapshot.FromArchive(snapshot.Digest, snapshot.Root, snapshot.ToArchive());
        var loaded = kept.Load(_folder);

        Assert.Equal(live.Digest, snapshot.Digest);
        Assert.Equal("catalogues/with-related-resources", snapshot.Root);
        Assert.Equal(live.Digest, loaded.Digest);
        Assert.Equal(live.Policies.Select(p => p.Id), loaded.Policies.Select(p => p.Id));
        Assert.Contains(snapshot.Files, f => f.Path == "catalogues/with-related-resources/catalogue.yaml");
        Assert.Contains(snapshot.Files, f => f.Path == "policies/clinical-facts.yaml");
    }

    [Fact]
    public void Snapshot_SameFiles_SameArchive()
    {
        Assert.Equal(CatalogueLoader.Snapshot(TestCatalogue.RepositoryRoot).ToArchive(), CatalogueLoader.Snapshot(TestCatalogue.RepositoryRoot).ToArchive());
    }

    [Fact]
    public void Load_FilesThatAreNotTheKeptOnes_IsRefused()
    {
        var snapshot = CatalogueLoader.Snapshot(TestCatalogue.RepositoryRoot);
        var changed = snapshot with { Digest = "sha256:" + new string('0', 64) };

        var error = Assert.Throws<InvalidOperationException>(() => changed.Load(_folder));

        Assert.Contains($"its files load as {snapshot.Digest}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_APathLeavingTheFolder_IsRefused()
    {
        var snapshot = new CatalogueSnapshot("sha256:x", ".", [new CatalogueSnapshotFile("../escape.yaml", [1])]);

        Assert.Throws<InvalidOperationException>(() => snapshot.Load(_folder));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_folder)!, "escape.yaml")));
    }
}
