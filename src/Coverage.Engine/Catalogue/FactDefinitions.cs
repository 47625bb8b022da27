using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>The clinical facts a request may state, with their types and allowed values (policies/clinical-facts.yaml).</summary>
public sealed class FactDefinitions
{
    /// <summary>The one derived fact: the member's age in whole years on the date of service.</summary>
    public const string AgeOnDateOfService = "age-on-date-of-service";
    /// <summary>A derived number: whole days, months or years from a date fact (<see cref="FactDefinition.Of"/>) to the date of service.</summary>
    public const string TimeSince = "time-since";

    private readonly Dictionary<string, FactDefinition> _byName;

    public FactDefinitions(IEnumerable<FactDefinition> definitions)
    {
        _byName = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
    }

    public IEnumerable<FactDefinition> All => _byName.Values;

    public FactDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The facts derived from another fact (time since a date), for the evaluator to compute.</summary>
    public IReadOnlyList<FactDefinition> TimeSinceFacts => [.. _byName.Values.Where(d => d.DerivedFrom == TimeSince).OrderBy(d => d.Name, StringComparer.Ordinal)];
}

public sealed record FactDefinition
{
    public required string Name { get; init; }
    public required FactType Type { get; init; }
    public required string Description { get; init; }
    /// <summary>What a provider should document when the fact is missing.</summary>
    public required string Documentation { get; init; }
    public string? Unit { get; init; }
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    /// <summary>Allowed codes, in their canonical spelling (Code facts only).</summary>
    public IReadOnlyList<string> Values { get; init; } = [];
    /// <summary>Set for facts the engine derives (age) rather than reads from the request's clinical facts.</summary>
    public string? DerivedFrom { get; init; }
    /// <summary>For a time-since fact: the date fact it counts from.</summary>
    public string? Of { get; init; }
}
