using Coverage.Engine.Model;

namespace Coverage.Server.Workbench;

/// <summary>
/// The meanings of the X12 codes the engine emits (Evaluator), in the standard lists' wording, for
/// reviewers and for notices. Codes outside this list are shown without a meaning rather than guessed.
/// </summary>
public static class ReasonCodes
{
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["CARC 11"] = "The diagnosis is inconsistent with the procedure.",
        ["CARC 16"] = "Claim/service lacks information or has submission/billing error(s).",
        ["CARC 50"] = "These are non-covered services because this is not deemed a 'medical necessity' by the payer.",
        ["CARC 181"] = "Procedure code was invalid on the date of service.",
        ["CARC 204"] = "This service/equipment/drug is not covered under the patient's current benefit plan.",
        ["RARC M76"] = "Missing/incomplete/invalid diagnosis or condition.",
        ["RARC M127"] = "Missing patient medical record for this service.",
        ["RARC N350"] = "Missing/incomplete/invalid description of service for a Not Otherwise Classified (NOC) code or for an Unlisted/By Report procedure.",
    };

    private static readonly Dictionary<string, string> Groups = new(StringComparer.Ordinal)
    {
        ["CO"] = "contractual obligation: the member is not billed for it",
        ["PR"] = "patient responsibility",
    };

    public static string? Meaning(string system, string code) => Meanings.GetValueOrDefault($"{system} {code}");

    public static string? Group(string? group) => group is null ? null : Groups.GetValueOrDefault(group);

    /// <summary>"CARC 50 (group CO)".</summary>
    public static string Label(ReasonCode reason) =>
        reason.Group is null ? $"{reason.System} {reason.Code}" : $"{reason.System} {reason.Code} (group {reason.Group})";
}
