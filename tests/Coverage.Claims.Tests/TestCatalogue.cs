using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Claims.Tests;

/// <summary>The repository's own catalogue, loaded once, and an evaluator with a fixed clock.</summary>
public static class TestCatalogue
{
    public static readonly DateTimeOffset FixedNow = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<PolicyCatalogue> Loaded = new(() => CatalogueLoader.Load(RepositoryRoot));

    public static PolicyCatalogue Catalogue => Loaded.Value;

    public static Evaluator Evaluator { get; } = new(Catalogue, new FakeTimeProvider(FixedNow));

    /// <summary>The folder that holds Coverage.slnx.</summary>
    public static string RepositoryRoot => Coverage.Testing.RepositoryRoot.Path;
}

/// <summary>A folder of its own for one test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("coverage-claims-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process killed by a test may still hold a file for a moment; the temp folder is cleaned eventually.
        }
    }
}
