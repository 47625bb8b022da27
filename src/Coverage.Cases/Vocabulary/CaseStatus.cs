namespace Coverage.Cases;

/// <summary>Where a case stands (issue 3): final, or waiting for a physician or for information; or cancelled by the provider (issue 16).</summary>
public static class CaseStatus
{
    public const string Final = "final";
    public const string PendingPhysicianReview = "pending-physician-review";
    public const string PendingInformation = "pending-information";
    /// <summary>The provider withdrew the whole request (a PAS cancellation); nothing about it waits for anyone.</summary>
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Final, PendingPhysicianReview, PendingInformation, Cancelled];
}
