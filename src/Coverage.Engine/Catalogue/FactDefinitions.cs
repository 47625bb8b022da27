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
    private readonly Dictionary<(string System, string Code), FactDefinition> _byCoding;

    public FactDefinitions(IEnumerable<FactDefinition> definitions)
    {
        _byName = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        // The loader refuses a coding bound to two facts; were one repeated anyway, the first fact keeps it.
        _byCoding = [];
        foreach (var definition in _byName.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
            foreach (var coding in definition.Codes)
                _byCoding.TryAdd((coding.System, coding.Code), definition);
    }

    public IEnumerable<FactDefinition> All => _byName.Values;

    public FactDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The fact a coding (a code system and a code, e.g. LOINC) carries, by the catalogue's bindings; null when it binds none.</summary>
    public FactDefinition? FindByCoding(string? system, string? code) =>
        system is null || code is null ? null : _byCoding.GetValueOrDefault((system, code));

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
    /// <summary>
    /// The codings (code system and code, e.g. LOINC) under which FHIR resources carry this fact
    /// (an Observation's code, a Claim.supportingInfo's category or code). Facts the engine derives have none.
    /// </summary>
    public IReadOnlyList<FactCoding> Codes { get; init; } = [];
}

/// <summary>A coding that carries a clinical fact in FHIR: a code system URI, a code, and optionally the code's display.</summary>
public sealed record FactCoding(string System, string Code, string? Display);
