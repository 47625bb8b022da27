using Coverage.Engine.Model;

namespace Coverage.Engine.Validation;

/// <summary>
/// A coverage request as an adapter states it, before validation: text as the file gives it (dates as YYYY-MM-DD,
/// codes as written). <see cref="RequestValidator"/> turns it into a <see cref="CoverageRequest"/> with the rules
/// of the JSON contract, naming each bad value by its JSON path, exactly as <see cref="Json.RequestReader"/> would
/// for the same request written as JSON. A null text is a field not given; a null in a list (a diagnosis) is an item
/// given as null, which the rules refuse as the JSON reader does.
/// </summary>
public sealed class RequestDraft
{
    public string? RequestId { get; init; }
    public RequestKind Kind { get; init; } = RequestKind.PriorAuthorization;
    public RequestPriority Priority { get; init; } = RequestPriority.Standard;
    public string? MemberId { get; init; }
    public string? BirthDate { get; init; }
    /// <summary>female, male, other or unknown (an X12 DMG03 F/M/U is mapped by the reader).</summary>
    public string? Sex { get; init; }
    /// <summary>Null: the catalogue's default plan.</summary>
    public string? PlanId { get; init; }
    public string? DateOfService { get; init; }
    public IReadOnlyList<string?> Diagnoses { get; init; } = [];
    public IReadOnlyList<ServiceLineDraft> ServiceLines { get; init; } = [];
    /// <summary>A CMS place-of-service code for every line (X12 CLM05-1).</summary>
    public string? PlaceOfService { get; init; }
    /// <summary>
    /// The clinical facts stated, by name, in the order given (as the request JSON's "clinical" object): each a value
    /// of its kind, checked against the catalogue (known, not derived, in range, one of the fact's values). A fact
    /// stated as unknown is left out.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, FactValue>> Clinical { get; init; } = [];
}

/// <summary>One service line of a <see cref="RequestDraft"/>; its sequence and units are stated (as numbers).</summary>
public sealed class ServiceLineDraft
{
    public required int Sequence { get; init; }
    public required string Code { get; init; }
    public IReadOnlyList<string> Modifiers { get; init; } = [];
    public string? Description { get; init; }
    public decimal Units { get; init; } = 1;
    public UnitOfMeasure UnitOfMeasure { get; init; } = UnitOfMeasure.Unit;
    /// <summary>Null: the request's date of service.</summary>
    public string? DateOfService { get; init; }
    /// <summary>Null: the request's place of service (X12 SV105 overrides CLM05-1).</summary>
    public string? PlaceOfService { get; init; }
}
