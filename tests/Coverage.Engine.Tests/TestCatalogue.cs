using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Engine.Tests;

/// <summary>The repository's own catalogue (policies/, plans/), loaded once, and helpers to evaluate requests.</summary>
public static class TestCatalogue
{
    public static readonly DateTimeOffset FixedNow = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<PolicyCatalogue> Loaded = new(() => CatalogueLoader.Load(RepositoryRoot));

    public static PolicyCatalogue Catalogue => Loaded.Value;

    public static Evaluator Evaluator { get; } = new(Catalogue, new FakeTimeProvider(FixedNow));

    /// <summary>The folder that holds Coverage.slnx.</summary>
    public static string RepositoryRoot => Coverage.Testing.RepositoryRoot.Path;

    /// <summary>Copies folders of the repository (policies, plans, a catalogue extension) under <paramref name="target"/>, for a test to break.</summary>
    public static void CopyFolders(string target, params string[] folders)
    {
        foreach (var folder in folders)
        {
            var source = Path.Combine(RepositoryRoot, folder);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(target, folder, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }
    }

    /// <summary>Reads a request from JSON, failing the test if it is not valid.</summary>
    public static CoverageRequest Request(string json)
    {
        var read = RequestReader.Read(json, Catalogue);
        Assert.True(read.IsValid, "request should be valid: " + string.Join("; ", read.Errors));
        return read.Request!;
    }

    public static Determination Evaluate(string json) => Evaluator.Evaluate(Request(json));

    public static Determination Evaluate(RequestBuilder request) => Evaluate(request.Json());

    /// <summary>Evaluates a one-line request and returns its line.</summary>
    public static LineDetermination EvaluateLine(RequestBuilder request) => Assert.Single(Evaluate(request).Lines);

    public static IReadOnlyList<InputError> Errors(RequestBuilder request) => Errors(request.Json());

    public static IReadOnlyList<InputError> Errors(string json)
    {
        var read = RequestReader.Read(json, Catalogue);
        Assert.False(read.IsValid, "request should be rejected");
        return read.Errors;
    }
}
