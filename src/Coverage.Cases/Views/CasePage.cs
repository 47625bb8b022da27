namespace Coverage.Cases;

/// <summary>One page of a list of cases, and how many cases the query matched in all.</summary>
public sealed record CasePage(IReadOnlyList<CaseSummary> Items, int Page, int PageSize, int Total);
