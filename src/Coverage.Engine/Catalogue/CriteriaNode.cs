using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>
/// A statement's criteria as a tree: named criteria (the policy's numbered items, each a condition on facts)
/// combined by all / any / none / at-least-n, in Kleene's three-valued logic.
/// </summary>
public abstract record CriteriaNode
{
    /// <summary>Evaluates the tree, writing each named criterion's result at its index in <paramref name="results"/>.</summary>
    public abstract Truth Evaluate(IFactSource facts, Span<CriterionResult> results);

    /// <summary>The named criteria, in the order the policy lists them (the index of each in results).</summary>
    public abstract IEnumerable<Criterion> Criteria { get; }
}

/// <summary>One criterion as the policy words it, with the condition on facts that decides it.</summary>
public sealed record Criterion(int Index, string Id, string Text, string? Section, FactCondition Condition) : CriteriaNode
{
    public override IEnumerable<Criterion> Criteria => [this];

    public override Truth Evaluate(IFactSource facts, Span<CriterionResult> results)
    {
        var truth = Condition.Evaluate(facts);
        results[Index] = truth switch
        {
            Truth.True => CriterionResult.Met,
            Truth.False => CriterionResult.Unmet,
            _ => CriterionResult.Unknown,
        };
        return truth;
    }
}

public enum CriteriaCombination
{
    All,
    Any,
    None,
    AtLeast,
}

/// <summary>
/// Criteria combined: all (false if any is false), any (true if any is true), none (true if all are false),
/// at least n (true once n are true, false once more than count − n are false); otherwise unknown.
/// Every child is evaluated, so that the determination reports each criterion's result.
/// </summary>
public sealed record CriteriaGroup(CriteriaCombination Combination, int Required, IReadOnlyList<CriteriaNode> Children) : CriteriaNode
{
    public override IEnumerable<Criterion> Criteria => Children.SelectMany(c => c.Criteria);

    public override Truth Evaluate(IFactSource facts, Span<CriterionResult> results)
    {
        int met = 0, unmet = 0;
        for (var i = 0; i < Children.Count; i++)
        {
            var truth = Children[i].Evaluate(facts, results);
            if (truth == Truth.True) met++;
            else if (truth == Truth.False) unmet++;
        }
        var count = Children.Count;
        return Combination switch
        {
            CriteriaCombination.All => unmet > 0 ? Truth.False : met == count ? Truth.True : Truth.Unknown,
            CriteriaCombination.Any => met > 0 ? Truth.True : unmet == count ? Truth.False : Truth.Unknown,
            CriteriaCombination.None => met > 0 ? Truth.False : unmet == count ? Truth.True : Truth.Unknown,
            _ => met >= Required ? Truth.True : count - unmet < Required ? Truth.False : Truth.Unknown,
        };
    }
}
