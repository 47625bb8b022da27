namespace Coverage.Cases;

/// <summary>
/// A configured person who reviews cases: id, name and role (nurse or physician) come from configuration only; so
/// does <paramref name="Managers"/>, the people the reviewer reports to, nearest first (the operator's reviewer
/// directory): an appeal is never decided by a subordinate of the physician whose decision it contests.
/// </summary>
public sealed record Reviewer(string Id, string Name, string Role, IReadOnlyList<string>? Managers = null)
{
    /// <summary>Whether this reviewer reports, directly or through others, to <paramref name="personId"/>.</summary>
    public bool ReportsTo(string personId) => Managers?.Contains(personId, StringComparer.Ordinal) == true;
}
