using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>Kleene's three-valued truth: a condition on a missing fact is unknown, not false.</summary>
public enum Truth
{
    Unknown,
    False,
    True,
}

/// <summary>Where a condition reads its facts: the request's clinical facts plus the derived ones (age).</summary>
public interface IFactSource
{
    bool TryGet(string name, out FactValue value);

    /// <summary>The request's diagnoses, normalised (no dots), for conditions on a diagnosis value set.</summary>
    IReadOnlyList<string> Diagnoses { get; }
}

/// <summary>A condition on clinical facts, written in the policy file (docs/policy-authoring.md).</summary>
public abstract record FactCondition
{
    public abstract Truth Evaluate(IFactSource facts);

    /// <summary>The facts the condition reads, for validation and for "what to send" lists.</summary>
    public abstract IEnumerable<string> Facts { get; }
}

public enum Comparison
{
    EqualTo,
    AtLeast,
    AtMost,
    LessThan,
    GreaterThan,
}

public sealed record FactComparison(string Fact, Comparison Comparison, FactValue Value) : FactCondition
{
    public override IEnumerable<string> Facts => [Fact];

    public override Truth Evaluate(IFactSource facts)
    {
        if (!facts.TryGet(Fact, out var actual)) return Truth.Unknown;
        var holds = Comparison switch
        {
            Comparison.EqualTo => actual.Equals(Value),
            Comparison.AtLeast => actual.Number >= Value.Number,
            Comparison.AtMost => actual.Number <= Value.Number,
            Comparison.LessThan => actual.Number < Value.Number,
            Comparison.GreaterThan => actual.Number > Value.Number,
            _ => throw new InvalidOperationException($"Unknown comparison {Comparison}."),
        };
        return holds ? Truth.True : Truth.False;
    }
}

/// <summary>True when any part is true; false when all are false; otherwise unknown.</summary>
public sealed record AnyOf(IReadOnlyList<FactCondition> Conditions) : FactCondition
{
    public override IEnumerable<string> Facts => Conditions.SelectMany(c => c.Facts);

    public override Truth Evaluate(IFactSource facts)
    {
        var result = Truth.False;
        for (var i = 0; i < Conditions.Count; i++) // not foreach: no enumerator per evaluation
        {
            var truth = Conditions[i].Evaluate(facts);
            if (truth == Truth.True) return Truth.True;
            if (truth == Truth.Unknown) result = Truth.Unknown;
        }
        return result;
    }
}

/// <summary>False when any part is false; true when all are true; otherwise unknown.</summary>
public sealed record AllOf(IReadOnlyList<FactCondition> Conditions) : FactCondition
{
    public override IEnumerable<string> Facts => Conditions.SelectMany(c => c.Facts);

    public override Truth Evaluate(IFactSource facts)
    {
        var result = Truth.True;
        for (var i = 0; i < Conditions.Count; i++) // not foreach: no enumerator per evaluation
        {
            var truth = Conditions[i].Evaluate(facts);
            if (truth == Truth.False) return Truth.False;
            if (truth == Truth.Unknown) result = Truth.Unknown;
        }
        return result;
    }
}

/// <summary>True when every part is false; false when any is true; otherwise unknown.</summary>
public sealed record NoneOf(IReadOnlyList<FactCondition> Conditions) : FactCondition
{
    public override IEnumerable<string> Facts => Conditions.SelectMany(c => c.Facts);

    public override Truth Evaluate(IFactSource facts)
    {
        var result = Truth.True;
        for (var i = 0; i < Conditions.Count; i++) // not foreach: no enumerator per evaluation
        {
            var truth = Conditions[i].Evaluate(facts);
            if (truth == Truth.True) return Truth.False;
            if (truth == Truth.Unknown) result = Truth.Unknown;
        }
        return result;
    }
}

/// <summary>
/// Whether a diagnosis of the request is in a value set. A request without diagnoses leaves it unknown:
/// the diagnosis was not stated, not stated absent.
/// </summary>
public sealed record DiagnosisIn(DiagnosisValueSet ValueSet) : FactCondition
{
    /// <summary>The pseudo-fact name under which a missing diagnosis is asked for.</summary>
    public const string FactName = "diagnoses";

    public override IEnumerable<string> Facts => [FactName];

    public override Truth Evaluate(IFactSource facts)
    {
        var diagnoses = facts.Diagnoses;
        if (diagnoses.Count == 0) return Truth.Unknown;
        for (var i = 0; i < diagnoses.Count; i++)
            if (ValueSet.Contains(diagnoses[i])) return Truth.True;
        return Truth.False;
    }
}

/// <summary>
/// A criterion of a draft that no analyst has mapped to facts yet ("unmapped: true"): always unknown. A catalogue
/// never holds one (the loader refuses drafts); this only lets a draft be read, compared and listed.
/// </summary>
public sealed record UnmappedCondition : FactCondition
{
    public override IEnumerable<string> Facts => [];

    public override Truth Evaluate(IFactSource facts) => Truth.Unknown;
}
