using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Cases;

public static partial class CaseWorkflow
{
    /// <summary>What a reviewer writes when asking for information: at most this long.</summary>
    public const int MaxInformationRequestLength = 2000;

    /// <summary>Information completes only a case waiting for it.</summary>
    public static StoreError? MayAddInformation(CaseState state) =>
        state.Status == CaseStatus.PendingInformation ? null
        : new StoreError(StoreErrorKind.Conflict, $"Case {state.Id} is {state.Status}, not waiting for information.");

    /// <summary>
    /// Whether the case was on its way to a physician before the information came: a reviewer asked for it
    /// (only a case waiting for a physician can be set to wait), or a line was an adverse recommendation.
    /// </summary>
    public static bool HeadedToReview(CaseState before) =>
        before.InformationRequest is not null || before.Lines.Values.Any(l => l.RequiresPhysicianReview);

    /// <summary>
    /// The lines a re-evaluation must not make final without a physician: descriptions decide what an unlisted
    /// code is, so descriptions added to a case headed to review must not send it past the physician. Those
    /// described lines that are now final without review are held for a physician to confirm; none when the
    /// case still waits for information.
    /// </summary>
    public static IReadOnlyList<int> LinesToHold(bool headedToReview, Determination reevaluated, IReadOnlySet<int> describedLines) =>
        headedToReview && StatusOf(reevaluated) != CaseStatus.PendingInformation
            ? reevaluated.Lines.Where(l => describedLines.Contains(l.Sequence) && !l.RequiresPhysicianReview).Select(l => l.Sequence).ToList()
            : [];

    /// <summary>Holds lines for a physician to confirm: the case waits for one, and nothing about it is final.</summary>
    public static CaseState HoldForReview(CaseState state, IReadOnlyList<int> held) =>
        state with { Status = CaseStatus.PendingPhysicianReview, HeldLines = held.ToHashSet(), FinalizedAt = null, FinalOutcome = null };

    /// <summary>Only a reviewer (a configured nurse or physician, signed in as themself) sets a case to wait for information.</summary>
    public static StoreError? MayRequestInformation(Caller caller) =>
        caller.IsReviewer ? null
        : new StoreError(StoreErrorKind.Forbidden,
            "Only a reviewer (a nurse or physician, signed in as themself) may set a case to wait for information; a client's own token cannot.");

    /// <summary>An information request names what is needed, and from whom, in at most <see cref="MaxInformationRequestLength"/> characters.</summary>
    public static IReadOnlyList<InputError> Validate(InformationRequestSubmission submission)
    {
        var errors = new List<InputError>();
        if (string.IsNullOrWhiteSpace(submission.Needed)) errors.Add(new("needed", "required: what information is needed, and from whom"));
        else if (submission.Needed.Length > MaxInformationRequestLength) errors.Add(new("needed", $"at most {MaxInformationRequestLength} characters ({submission.Needed.Length} given)"));
        return errors;
    }

    /// <summary>
    /// Sets a case waiting for a physician aside until the provider sends what is needed:
    /// pending-physician-review → pending-information, the request kept on the case, held lines let go (the
    /// information re-evaluates the case). A case already waiting for information stays so, with the reviewer's request
    /// now kept on it (a reviewer asks the provider, through the same questionnaire, for what the engine found
    /// missing: docs/dtr.md). Any other case is a conflict.
    /// </summary>
    public static StoreResult<CaseState> WaitForInformation(CaseState state, InformationRequestSubmission submission)
    {
        if (state.Status is not (CaseStatus.PendingPhysicianReview or CaseStatus.PendingInformation))
            return StoreResult<CaseState>.Fail(StoreErrorKind.Conflict,
                $"Case {state.Id} is {state.Status}; only a case waiting for physician review or for information can be set to wait for information.");
        return StoreResult<CaseState>.Ok(state with
        {
            Status = CaseStatus.PendingInformation,
            InformationRequest = submission.Needed.Trim(),
            HeldLines = new HashSet<int>(),
        });
    }
}
