using Coverage.Store.Entities;

namespace Coverage.Store.Commands;

/// <summary>
/// The notice of an extension, as the member and provider are sent it: that more time is taken, why, the new date
/// the decision is due, and the rule that allows it (29 CFR 2560.503-1(f)(2)(iii)(A); 42 CFR 422.568(b)(2)). It is
/// kept in the audit trail with the extension, and shown on the case.
/// </summary>
internal static class ExtensionNotice
{
    public static string Text(CaseRecord record, DecisionClock rules) =>
        $"Notice of extension: the decision on your {(record.AppealOf is null ? "request" : "appeal")} (case {record.Id}) needs more time. "
        + $"Reason: {record.ExtensionReason} The decision is now due by {record.DueAt:yyyy-MM-dd HH:mm} UTC. Rule: {rules.Source}."
        + (rules.Regime == DecisionClocks.Cms ? " If you disagree with this extension, you may file an expedited grievance." : "");
}
