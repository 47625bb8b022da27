using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Cases.Tests;

/// <summary>Determinations, lines, states and callers built by hand: the workflow reads nothing else.</summary>
internal static class Cases
{
    public static readonly DateTime Now = new(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);
    public static readonly Guid Id = Guid.Parse("0193a7f0-0000-7000-8000-000000000001");

    public static readonly Caller Physician = new(new Actor("dr-house", "physician"), "payer", CallerAccess.PayerStaff, new Reviewer("dr-house", "Dr House", ReviewerRoles.Physician));
    public static readonly Caller Nurse = new(new Actor("nurse-joy", "nurse"), "payer", CallerAccess.PayerStaff, new Reviewer("nurse-joy", "Joy", ReviewerRoles.Nurse));
    public static readonly Caller Client = new(new Actor("portal"), "clinic-a", CallerAccess.Submitter);

    public static LineDetermination Line(int sequence, LineOutcome outcome, bool review = false, string? policy = null, string? modality = null) => new()
    {
        Sequence = sequence,
        Code = "0000T",
        DateOfService = new DateOnly(2026, 12, 1),
        Outcome = outcome,
        RequiresPhysicianReview = review,
        Policy = policy is null ? null : new PolicyReference(policy, "1", policy),
        Modality = modality,
        Rationale = "",
        Trace = [],
    };

    /// <summary>A line the engine recommends denying as not medically necessary: only a physician finalises it.</summary>
    public static LineDetermination Adverse(int sequence) => Line(sequence, LineOutcome.NotMedicallyNecessary, review: true);

    public static Determination Determination(params LineDetermination[] lines) => new()
    {
        Outcome = Evaluator.Aggregate(lines),
        RequiresPhysicianReview = lines.Any(l => l.RequiresPhysicianReview),
        EvaluatedAt = Now,
        EngineVersion = "test",
        Lines = lines,
    };

    /// <summary>The state a case is in after its first evaluation of these lines.</summary>
    public static CaseState Evaluated(params LineDetermination[] lines) =>
        CaseWorkflow.AfterEvaluation(Id, Determination(lines), [], Now);

    public static DecisionSubmission Decide(params (int Sequence, string Action)[] lines) =>
        new([.. lines.Select(l => new LineDecisionInput(l.Sequence, l.Action, "Reviewed the records."))]);
}
