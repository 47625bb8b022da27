namespace Coverage.Cases;

/// <summary>Where a case stands (issue 3): final, or waiting for a physician or for information.</summary>
public static class CaseStatus
{
    public const string Final = "final";
    public const string PendingPhysicianReview = "pending-physician-review";
    public const string PendingInformation = "pending-information";

    public static readonly IReadOnlyList<string> All = [Final, PendingPhysicianReview, PendingInformation];
}
