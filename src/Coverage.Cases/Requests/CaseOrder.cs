namespace Coverage.Cases;

/// <summary>The order of a list of cases.</summary>
public enum CaseOrder
{
    /// <summary>Oldest first (the REST list).</summary>
    ReceivedAt,
    /// <summary>Soonest due first (the reviewers' queue).</summary>
    DueAt,
}
