using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>The clinical facts a request may state, with their types and allowed values (policies/clinical-facts.yaml).</summary>
public sealed class FactDefinitions
{
    /// <summary>The one derived fact: the member's age in whole years on the date of service.</summary>
    public const string AgeOnDateOfService = "age-on-date-of-service";
    /// <summary>A derived number: whole days, months or years from a date fact (<see cref="FactDefinition.Of"/>) to the date of service.</summary>
    public const string TimeSince = "time-since";
    /// <summary>A derived number: how many codes a list fact (<see cref="FactDefinition.Of"/>) holds, or how many of <see cref="FactDefinition.Counting"/>.</summary>
    public const string Count = "count";
    /// <summary>A derived code: the member's administrative sex as the request states it (member.sex).</summary>
    public const string MemberSex = "member-sex";
    /// <summary>A derived code: the line's place of service (a CMS code), else the request's.</summary>
    public const string PlaceOfService = "place-of-service";

    /// <summary>The derivations the engine knows, for validation messages.</summary>
    public static readonly IReadOnlyList<string> Derivations = [AgeOnDateOfService, TimeSince, Count, MemberSex, PlaceOfService];

    /// <summary>The values member.sex takes once read ("unknown" is kept as not stated).</summary>
    public static readonly IReadOnlyList<string> Sexes = ["female", "male", "other"];

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

    /// <summary>The derived facts other than the age (which the FDA label path reads on its own), for the evaluator to compute.</summary>
    public IReadOnlyList<FactDefinition> DerivedFacts =>
        [.. _byName.Values.Where(d => d.DerivedFrom is not null && d.DerivedFrom != AgeOnDateOfService).OrderBy(d => d.Name, StringComparer.Ordinal)];

    /// <summary>What a derived fact is computed from, in the request's terms ("member.birthDate and the date of service").</summary>
    public static string Source(FactDefinition derived) => derived.DerivedFrom switch
    {
        AgeOnDateOfService => "member.birthDate and the date of service",
        TimeSince => $"clinical.{derived.Of} and the date of service",
        Count => $"clinical.{derived.Of}",
        MemberSex => "member.sex",
        _ => "the placeOfService of the line or the request",
    };

    /// <summary>The fact a coding (a code system and a code, e.g. LOINC) carries, by the catalogue's bindings; null when it binds none.</summary>
    public FactDefinition? FindByCoding(string? system, string? code) =>
        system is null || code is null ? null : _byCoding.GetValueOrDefault((system, code));
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
    /// <summary>Set for facts the engine derives (<see cref="FactDefinitions.Derivations"/>) rather than reads from the request's clinical facts.</summary>
    public string? DerivedFrom { get; init; }
    /// <summary>For a time-since fact: the date fact it counts from; for a count: the list fact it counts.</summary>
    public string? Of { get; init; }
    /// <summary>For a count: the only codes counted (empty: every code of the list).</summary>
    public IReadOnlyList<string> Counting { get; init; } = [];
    /// <summary>
    /// The codings (code system and code, e.g. LOINC) under which FHIR resources carry this fact
    /// (an Observation's code, a Claim.supportingInfo's category or code). Facts the engine derives have none.
    /// </summary>
    public IReadOnlyList<FactCoding> Codes { get; init; } = [];
}

/// <summary>A coding that carries a clinical fact in FHIR: a code system URI, a code, and optionally the code's display.</summary>
public sealed record FactCoding(string System, string Code, string? Display);
