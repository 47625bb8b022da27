using Coverage.Engine.Model;
using Coverage.Store.Entities;

namespace Coverage.Store;

/// <summary>
/// Between a stored case and its decision clock (<see cref="DecisionClocks"/>, <see cref="CaseWorkflow.ClockAfter"/>):
/// the rules that apply to it, where its clock stands, and the clock kept after a change of status, audited.
/// </summary>
internal static class CaseRecordClock
{
    public static RequestPriority Priority(CaseRecord record) =>
        record.Priority == RequestPriority.Expedited.ToWire() ? RequestPriority.Expedited : RequestPriority.Standard;

    /// <summary>The clock rules of the case: its line of business, urgency, and whether it is an appeal.</summary>
    public static DecisionClock Rules(CaseRecord record) => DecisionClocks.For(record.LineOfBusiness, Priority(record), record.AppealOf is not null);

    public static CaseClock Of(CaseRecord record) => new(record.DueAt, record.ClockPausedAt, record.ExtendedAt);

    public static void Keep(CaseRecord record, CaseClock clock)
    {
        record.DueAt = clock.DueAt;
        record.ClockPausedAt = clock.PausedAt;
        record.ExtendedAt = clock.ExtendedAt;
    }

    /// <summary>
    /// Stops or restarts the clock after the case's status changed, as its rules allow, and audits the change with
    /// the rule that allows it; nothing when the clock is as it was.
    /// </summary>
    public static void Follow(CaseRecords records, CaseRecord record, Actor actor, DateTime now)
    {
        var before = Of(record);
        var rules = Rules(record);
        var after = CaseWorkflow.ClockAfter(before, record.Status, rules, now);
        if (after == before) return;
        Keep(record, after);
        if (after.PausedAt is not null)
            records.Audit(record, now, "clock-paused", actor, $"The decision clock stands still while the case waits for information ({rules.Source}); due {before.DueAt:yyyy-MM-dd'T'HH:mm'Z'} before the pause.");
        else
            records.Audit(record, now, "clock-resumed", actor, $"The decision clock runs again after {(now - before.PausedAt!.Value).TotalHours:0.##} hours; now due {after.DueAt:yyyy-MM-dd'T'HH:mm'Z'}.");
    }
}
