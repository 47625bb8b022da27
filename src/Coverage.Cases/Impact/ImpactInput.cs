using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Cases.Impact;

/// <summary>
/// One thing to re-decide under the baseline and the candidate catalogue: a claim of a claim file or the request of a
/// stored case. <see cref="Read"/> validates it against a catalogue (the request rules read the catalogue: plans and
/// clinical facts), so that each side decides the request as that catalogue would have received it.
/// </summary>
public sealed record ImpactInput
{
    /// <summary>Where it is: "segment 57", "line 12", "case 3f0c…" (reported with a bad record and in samples).</summary>
    public required string Position { get; init; }

    /// <summary>The claim id or case id, when it has one.</summary>
    public string? Id { get; init; }

    /// <summary>The request as a catalogue reads it, or why it cannot be decided.</summary>
    public required Func<PolicyCatalogue, ImpactRead> Read { get; init; }

    /// <summary>The billed amount of each line in line order (837P SV102), null where the input states none.</summary>
    public IReadOnlyList<decimal?> Charges { get; init; } = [];
}

/// <summary>A request read against one catalogue, or the problems that keep it from being decided.</summary>
public sealed record ImpactRead(CoverageRequest? Request, IReadOnlyList<string> Errors)
{
    public static ImpactRead Of(CoverageRequest request) => new(request, []);
    public static ImpactRead Bad(IReadOnlyList<string> errors) => new(null, errors);
}
