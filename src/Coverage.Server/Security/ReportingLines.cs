namespace Coverage.Server.Security;

/// <summary>
/// The operator's reviewer directory of who reports to whom (configuration "Reviewers:ReportsTo": a person's id →
/// their manager's id). An appeal is never decided by the physician who made the decision it contests nor by anyone
/// reporting to them (29 CFR 2560.503-1(h)(3)(ii)); the directory is data the operator keeps, read only from
/// configuration, never from a token or a body (docs/decisions.md, "Who may decide an appeal").
/// </summary>
public sealed class ReportingLines(IReadOnlyDictionary<string, string> reportsTo)
{
    public const string Section = "Reviewers:ReportsTo";

    public static ReportingLines From(IConfiguration configuration) =>
        new(configuration.GetSection(Section).GetChildren().Where(c => !string.IsNullOrWhiteSpace(c.Value)).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal));

    /// <summary>The people <paramref name="personId"/> reports to, nearest first, up the directory (a loop stops where it repeats).</summary>
    public IReadOnlyList<string> ManagersOf(string personId)
    {
        var managers = new List<string>();
        var current = personId;
        while (reportsTo.TryGetValue(current, out var manager) && manager != personId && !managers.Contains(manager, StringComparer.Ordinal))
        {
            managers.Add(manager);
            current = manager;
        }
        return managers;
    }

    /// <summary>The reviewer with their managers from the directory.</summary>
    public Reviewer Place(Reviewer reviewer) => reviewer with { Managers = ManagersOf(reviewer.Id) };
}
