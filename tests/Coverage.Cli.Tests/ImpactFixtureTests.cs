namespace Coverage.Cli.Tests;

/// <summary>
/// The impact fixtures are the repository's catalogue with one file changed each: every other file is the same, byte
/// for byte, so that a change to the catalogue cannot leave them describing another policy unnoticed.
/// </summary>
public sealed class ImpactFixtureTests
{
    private static readonly string[] CatalogueFolders = ["policies", "plans"];

    [Theory]
    [InlineData("0540-as-of-2025-04-15", "policies/0540-ablative-breast/policy.yaml")]
    [InlineData("0540-covers-on-label-cryoablation", "plans/standard.yaml")]
    public void Fixture_IsTheRepositorysCatalogueWithOneFileChanged(string fixture, string changed)
    {
        var root = ImpactFixtures.Catalogue(fixture);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        var repository = CatalogueFolders
            .SelectMany(folder => Directory.GetFiles(Path.Combine(CliRunner.RepositoryRoot, folder), "*", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(CliRunner.RepositoryRoot, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(repository, files);
        foreach (var file in files.Where(f => f != changed))
            Assert.True(File.ReadAllBytes(Path.Combine(root, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(CliRunner.RepositoryRoot, file))), $"{fixture}/{file} differs from the repository's");
        Assert.NotEqual(File.ReadAllText(Path.Combine(root, changed)), File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot, changed)));
    }
}
