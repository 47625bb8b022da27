using System.Collections.Frozen;

namespace Coverage.Engine.Model;

/// <summary>
/// The clinical facts a request states. A fact that is absent is unknown: criteria
/// that need it evaluate to unknown, never to unmet (spec section 7, three-valued logic).
/// Fact names and types are data (policies/clinical-facts.yaml), not code.
/// </summary>
public sealed class ClinicalFacts
{
    public static readonly ClinicalFacts None = new(FrozenDictionary<string, FactValue>.Empty);

    private readonly FrozenDictionary<string, FactValue> _facts;

    private ClinicalFacts(FrozenDictionary<string, FactValue> facts) => _facts = facts;

    public static ClinicalFacts From(IEnumerable<KeyValuePair<string, FactValue>> facts) =>
        new(facts.ToFrozenDictionary(StringComparer.Ordinal));

    public int Count => _facts.Count;

    public IEnumerable<KeyValuePair<string, FactValue>> All => _facts.OrderBy(f => f.Key, StringComparer.Ordinal);

    public bool TryGet(string name, out FactValue value) => _facts.TryGetValue(name, out value);
}

public enum FactType
{
    Number,
    Boolean,
    Code,
    /// <summary>A calendar date (yyyy-MM-dd); criteria read it through a derived "time since" fact.</summary>
    Date,
    /// <summary>A list of codes from the fact's values (the drug regimens tried); criteria read it through a derived count.</summary>
    List,
}

/// <summary>A known value of a clinical fact: a number, a boolean, a date, a code from the fact's value list or a list of such codes.</summary>
public readonly record struct FactValue
{
    private FactValue(FactType type, double number, bool boolean, string? code, IReadOnlyList<string>? items = null)
    {
        Type = type;
        Number = number;
        Boolean = boolean;
        Code = code;
        Items = items;
    }

    public FactType Type { get; }
    public double Number { get; }
    public bool Boolean { get; }
    public string? Code { get; }
    /// <summary>A list fact's codes, each once, in the order stated.</summary>
    public IReadOnlyList<string>? Items { get; }

    public static FactValue Of(double number) => new(FactType.Number, number, false, null);
    public static FactValue Of(bool boolean) => new(FactType.Boolean, 0, boolean, null);
    public static FactValue OfCode(string code) => new(FactType.Code, 0, false, code);
    /// <summary>A date, held as its day number.</summary>
    public static FactValue OfDate(DateOnly date) => new(FactType.Date, date.DayNumber, false, null);
    public static FactValue OfList(IReadOnlyList<string> items) => new(FactType.List, items.Count, false, null, items);

    public DateOnly Date => DateOnly.FromDayNumber((int)Number);

    public override string ToString() => Type switch
    {
        FactType.Number => Number.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        FactType.Boolean => Boolean ? "true" : "false",
        FactType.Date => Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        FactType.List => string.Join(", ", Items ?? []),
        _ => Code ?? "",
    };
}
