namespace Coverage.Cases;

/// <summary>On whose behalf an appeal was filed, and how: by the member, by the provider on the member's behalf (REST), or by the provider through PAS (a Claim update contesting a denial).</summary>
public static class AppealFilers
{
    public const string Member = "member";
    public const string Provider = "provider";
    public const string Pas = "pas";

    /// <summary>What an appeal filed through the REST API may say.</summary>
    public static readonly IReadOnlyList<string> Rest = [Member, Provider];
}
