using Coverage.Benchmarks.Peer;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// A mix the benchmarks run, with what it is decided against: the catalogue its requests were read with, and
/// the RulesEngine peer of that catalogue. "0540" is the repository's catalogue and <see cref="RequestMix"/>;
/// "criteria" is catalogues/with-related-resources and <see cref="CriteriaMix"/>.
/// </summary>
public sealed record Mix(string Name, PolicyCatalogue Catalogue, IReadOnlyList<(string Json, CoverageRequest Request)> Entries, Func<RulesEnginePeer> Peer)
{
    public static readonly string[] Names = ["0540", "criteria"];

    public IEnumerable<CoverageRequest> Requests => Entries.Select(e => e.Request);

    public int Lines => Entries.Sum(e => e.Request.ServiceLines.Count);

    public static Mix Named(string name) => name switch
    {
        "0540" => Policy0540(),
        "criteria" => Criteria(),
        _ => throw new ArgumentException($"no mix '{name}': {string.Join(" or ", Names)}"),
    };

    public static Mix Policy0540()
    {
        var catalogue = Repository.LoadCatalogue();
        return new Mix("0540", catalogue, RequestMix.Build(catalogue), RulesEnginePeer.ForRepository);
    }

    public static Mix Criteria()
    {
        var catalogue = Repository.LoadCriteriaCatalogue();
        return new Mix("criteria", catalogue, CriteriaMix.Build(catalogue), RulesEnginePeer.ForCriteriaCatalogue);
    }
}
