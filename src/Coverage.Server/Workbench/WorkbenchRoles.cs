namespace Coverage.Server.Workbench;

/// <summary>
/// The roles a workbench account may have: the reviewers' (nurse, physician), who work cases, and the analyst, who runs
/// impact reports of candidate catalogues and never sees the queue or decides. An analyst is not a reviewer
/// (<see cref="ReviewerRoles"/>): the case workflow gives them nothing to decide.
/// </summary>
public static class WorkbenchRoles
{
    public const string Analyst = "analyst";

    public static readonly IReadOnlyList<string> All = [.. ReviewerRoles.All, Analyst];
}
