using Coverage.Engine.Catalogue;

namespace Coverage.Benchmarks;

/// <summary>The repository the benchmarks run from: its catalogue and the peer's rules, read in place.</summary>
public static class Repository
{
    /// <summary>The folder holding Coverage.slnx, found upwards from the program (BenchmarkDotNet runs a copy in its own folder).</summary>
    public static string Root { get; } = Find();

    public static PolicyCatalogue LoadCatalogue() => CatalogueLoader.Load(Root);

    /// <summary>catalogues/with-related-resources: the repository's catalogue plus CG-MED-81 (HIFU) and MP-728 (LITT), the criteria mix's.</summary>
    public static PolicyCatalogue LoadCriteriaCatalogue() => CatalogueLoader.Load(Path.Combine(Root, "catalogues", "with-related-resources"));

    public static string PeerWorkflows => Peer("policy-0540.rules.json");

    /// <summary>The peer's rules for the criteria catalogue: which policies list a code (in order of precedence), then each policy's.</summary>
    public static string[] CriteriaPeerWorkflows =>
        [Peer("with-related-resources.rules.json"), PeerWorkflows, Peer("policy-cg-med-81.rules.json"), Peer("policy-mp-728.rules.json")];

    private static string Peer(string file) => Path.Combine(Root, "bench", "Coverage.Benchmarks", "Peer", file);

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Coverage.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Coverage.slnx not found above " + AppContext.BaseDirectory + "; run from the repository.");
    }
}

/// <summary>A clock that always reads the same instant, so that determinations are reproducible byte for byte.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Instant = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public FixedTimeProvider() : this(Instant) { }

    public override DateTimeOffset GetUtcNow() => now;
}
