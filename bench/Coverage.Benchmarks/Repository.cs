using Coverage.Engine.Catalogue;

namespace Coverage.Benchmarks;

/// <summary>The repository the benchmarks run from: its catalogue and the peer's rules, read in place.</summary>
public static class Repository
{
    /// <summary>The folder holding Coverage.slnx, found upwards from the program (BenchmarkDotNet runs a copy in its own folder).</summary>
    public static string Root { get; } = Find();

    public static PolicyCatalogue LoadCatalogue() => CatalogueLoader.Load(Root);

    public static string PeerWorkflows => Path.Combine(Root, "bench", "Coverage.Benchmarks", "Peer", "policy-0540.rules.json");

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
