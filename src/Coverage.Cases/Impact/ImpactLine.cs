namespace Coverage.Cases.Impact;

/// <summary>
/// A line the candidate catalogue decides differently from the baseline: its outcome, reason codes or required
/// information changed. Carries the member key only to count distinct members; reports never print it.
/// </summary>
public sealed record ImpactLine
{
    /// <summary>The claim id or case id.</summary>
    public string? Id { get; init; }
    public required string Position { get; init; }
    public required int Sequence { get; init; }
    public required string Code { get; init; }
    public required DateOnly DateOfService { get; init; }
    public required string Plan { get; init; }
    public decimal? Charge { get; init; }
    /// <summary>The member id, for the count of members affected; never written to a report.</summary>
    internal string? MemberKey { get; init; }
    /// <summary>outcome, reason-codes, information: what changed.</summary>
    public required IReadOnlyList<string> Changes { get; init; }
    public required ImpactSide Before { get; init; }
    public required ImpactSide After { get; init; }

    /// <summary>"not-addressed → not-medically-necessary"; the same outcome on both sides when only reasons or information changed.</summary>
    public string Transition => $"{Before.Outcome} → {After.Outcome}";

    /// <summary>The policy that addresses the line under the candidate, else under the baseline, else "(none)".</summary>
    public string PolicyKey => PolicyId(After.Policy) ?? PolicyId(Before.Policy) ?? "(none)";

    /// <summary>The rule that decides under the candidate, with the baseline's when it was another: "modality → coverage-statement".</summary>
    public string RuleKey => Before.Rule == After.Rule ? After.Rule : $"{Before.Rule} → {After.Rule}";

    /// <summary>The code, with the modality the line was read as (candidate first): "19499 percutaneous-laser-ablation".</summary>
    public string ServiceKey => (After.Modality ?? Before.Modality) is { } modality ? $"{Code} {modality}" : Code;

    /// <summary>Each criterion whose result changed: "age-70-or-older: unknown → met" (absent where a side did not assess it).</summary>
    public IEnumerable<string> CriterionKeys() =>
        Before.Criteria.Keys.Union(After.Criteria.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id => (id, before: Before.Criteria.GetValueOrDefault(id) ?? "absent", after: After.Criteria.GetValueOrDefault(id) ?? "absent"))
            .Where(c => c.before != c.after)
            .Select(c => $"{c.id}: {c.before} → {c.after}");

    private static string? PolicyId(string? policy) => policy?.Split(' ')[0];
}
