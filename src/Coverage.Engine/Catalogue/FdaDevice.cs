namespace Coverage.Engine.Catalogue;

/// <summary>An FDA-authorised device, its indication for use as criteria, and its stated limitations (spec section 7).</summary>
public sealed record FdaDevice
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Manufacturer { get; init; }
    public required string Authorization { get; init; }
    public required string Pathway { get; init; }
    public required DateOnly DecisionDate { get; init; }
    public required string ProductCode { get; init; }
    public required string DeviceClass { get; init; }
    public required IReadOnlySet<string> Modalities { get; init; }
    public required string Indication { get; init; }
    /// <summary>How the label defines its target population, when it does (ProSense: "biologically low-risk").</summary>
    public string? LowRiskDefinition { get; init; }
    /// <summary>In the order the output reports them.</summary>
    public required IReadOnlyList<FdaCriterion> Criteria { get; init; }
    public required IReadOnlyList<string> Limitations { get; init; }
}

public sealed record FdaCriterion(string Id, string Text, string Source, FactCondition Condition);
