using Coverage.Engine.Validation;

namespace Coverage.Cases;

public static partial class CaseWorkflow
{
    /// <summary>What a reviewer writes as the reason of an extension (quoted in the member's notice): at most this long.</summary>
    public const int MaxExtensionReasonLength = 2000;

    /// <summary>Only a reviewer (a configured nurse or physician, signed in as themself) extends a clock.</summary>
    public static StoreError? MayExtend(Caller caller) =>
        caller.IsReviewer ? null
        : new StoreError(StoreErrorKind.Forbidden, "Only a reviewer (a nurse or physician, signed in as themself) may extend a case's clock; a client's own token cannot.");

    /// <summary>An extension names its reason and a positive number of days.</summary>
    public static IReadOnlyList<InputError> Validate(ExtensionSubmission submission)
    {
        var errors = new List<InputError>();
        if (submission.Days < 1) errors.Add(new("days", "must be at least 1"));
        if (string.IsNullOrWhiteSpace(submission.Reason)) errors.Add(new("reason", "required: why the decision needs more time (quoted in the member's notice)"));
        else if (submission.Reason.Length > MaxExtensionReasonLength) errors.Add(new("reason", $"at most {MaxExtensionReasonLength} characters ({submission.Reason.Length} given)"));
        return errors;
    }

    /// <summary>
    /// The rule an extension breaks, if any: only an open case is extended; only where its rules allow one, at most
    /// once, by no more than they allow, and before the decision is due (ERISA: notice "prior to the expiration of the
    /// initial period", 29 CFR 2560.503-1(f)(2)(iii)(A); CMS: 42 CFR 422.568(b)(1)(i)).
    /// </summary>
    public static StoreError? CheckExtension(Guid id, string status, CaseClock clock, DecisionClock rules, ExtensionSubmission submission, DateTime now)
    {
        if (status is CaseStatus.Final or CaseStatus.Cancelled)
            return new StoreError(StoreErrorKind.Conflict, $"Case {id} is {status}; only an open case's clock is extended.");
        if (rules.MaxExtension is not { } max)
            return new StoreError(StoreErrorKind.Unprocessable, $"The rules of case {id} allow no extension ({rules.Source}).");
        if (clock.ExtendedAt is not null)
            return new StoreError(StoreErrorKind.Conflict, $"Case {id} was already extended; the rules allow one extension.");
        if (now > clock.DueAt)
            return new StoreError(StoreErrorKind.Unprocessable, $"Case {id} was due at {clock.DueAt:yyyy-MM-dd'T'HH:mm'Z'}; an extension is taken before the decision is due.");
        if (TimeSpan.FromDays(submission.Days) > max)
            return new StoreError(StoreErrorKind.Unprocessable, $"The rules of case {id} allow an extension of at most {max.TotalDays:0} days ({rules.Source}).", [new("days", $"at most {max.TotalDays:0}")]);
        return null;
    }

    /// <summary>The clock once extended at <paramref name="now"/>: the due time moves by the extension's days.</summary>
    public static CaseClock Extend(CaseClock clock, ExtensionSubmission submission, DateTime now) =>
        clock with { DueAt = clock.DueAt.AddDays(submission.Days), ExtendedAt = now };

    /// <summary>
    /// The clock after the case's status changed: it stops when the case starts waiting for information and its rules
    /// allow the pause, and runs again (the due time moved by the time it stood still) when the case stops waiting.
    /// </summary>
    public static CaseClock ClockAfter(CaseClock clock, string status, DecisionClock rules, DateTime now) =>
        status == CaseStatus.PendingInformation
            ? (rules.PausesForInformation && clock.PausedAt is null ? clock with { PausedAt = now } : clock)
            : clock.PausedAt is { } paused ? clock with { DueAt = clock.DueAt + (now - paused), PausedAt = null } : clock;

    /// <summary>An open case whose clock runs and whose due time has passed: the queue shows it as overdue.</summary>
    public static bool IsOverdue(string status, CaseClock clock, DateTime now) =>
        status is not (CaseStatus.Final or CaseStatus.Cancelled) && clock.PausedAt is null && now > clock.DueAt;

    /// <summary>Whether a decision made at <paramref name="decidedAt"/> met the due time; null while undecided.</summary>
    public static bool? DecidedOnTime(DateTime? decidedAt, DateTime dueAt) => decidedAt is { } at ? at <= dueAt : null;
}
