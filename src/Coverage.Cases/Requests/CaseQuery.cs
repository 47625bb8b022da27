namespace Coverage.Cases;

/// <summary>Which cases to list: any of the statuses (none: all), one modality, one policy.</summary>
public sealed record CaseQuery
{
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public string? Modality { get; init; }
    public string? Policy { get; init; }
    public CaseOrder Order { get; init; } = CaseOrder.ReceivedAt;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}
