namespace Coverage.Cases;

/// <summary>The roles configuration gives a reviewer: only a physician decides; a nurse may set a case to wait for information.</summary>
public static class ReviewerRoles
{
    public const string Physician = "physician";
    public const string Nurse = "nurse";

    public static readonly IReadOnlyList<string> All = [Physician, Nurse];
}
