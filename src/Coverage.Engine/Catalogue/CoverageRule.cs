namespace Coverage.Engine.Catalogue;

/// <summary>
/// One coverage statement of a policy version (coverage-semantics.md §10): the services and indications it
/// is about, the criteria it asks for, what it decides when they hold and what it decides otherwise.
/// A version's rules are read in order; the first whose scope fits the line decides it.
/// </summary>
public sealed record CoverageRule
{
    public required string Id { get; init; }
    public required string Section { get; init; }
    public required string Text { get; init; }
    /// <summary>The service categories (modalities) it is about; null for every one of the version.</summary>
    public IReadOnlySet<string>? Services { get; init; }
    /// <summary>The codes it is about; null for every code of the version.</summary>
    public IReadOnlySet<string>? Codes { get; init; }
    /// <summary>The policy's indications it is about (any diagnosis in one); null for every indication, and for none.</summary>
    public IReadOnlyList<Indication>? Indications { get; init; }
    /// <summary>Criteria that must hold for <see cref="Determination"/>; null when the statement holds whatever the facts.</summary>
    public CriteriaNode? Criteria { get; init; }
    public required StatementDetermination Determination { get; init; }
    /// <summary>When the criteria do not hold: another determination, or null to read the next statement.</summary>
    public RuleOtherwise? Otherwise { get; init; }
    /// <summary>Keys of further passages of the policy's text the statement cites.</summary>
    public IReadOnlyList<string> Cites { get; init; } = [];
}

/// <summary>What a statement decides when its criteria are not met, and the passage that says so.</summary>
public sealed record RuleOtherwise(StatementDetermination Determination, string Section, string Text);

/// <summary>A diagnosis value set the policy names as an indication ("bone metastases": C79.51, C79.52).</summary>
public sealed record Indication(string Id, DiagnosisValueSet Diagnoses);
