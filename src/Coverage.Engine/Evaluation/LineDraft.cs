using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>A line's determination while its steps run: each step adds trace, citations or facts, one step decides.</summary>
internal sealed class LineDraft(ServiceLine line, DateOnly dateOfService)
{
    private readonly List<string> _trace = [];

    public string? Modality { get; set; }
    public PolicyReference? Policy { get; set; }
    public string? RelatedPolicy { get; set; }
    public FdaLabelAssessment? FdaLabel { get; set; }
    public List<Citation> Citations { get; } = [];
    public List<string> InformationNeeded { get; } = [];
    /// <summary>Set by a step that decided the line but returns no result itself.</summary>
    public LineDetermination? Result { get; set; }

    public LineDraft Trace(string step)
    {
        _trace.Add(step);
        return this;
    }

    public LineDetermination NotAddressed(string rationale)
    {
        FdaLabel = null;
        return Decide(LineOutcome.NotAddressed, null, [], rationale);
    }

    /// <summary>Decides the line. Only an adverse medical-necessity outcome waits for a physician (spec section 6).</summary>
    public LineDetermination Decide(LineOutcome outcome, GoverningSource? governedBy, IReadOnlyList<ReasonCode> reasonCodes, string rationale)
    {
        _trace.Add($"outcome: {outcome.ToWire()}" + (reasonCodes.Count == 0 ? "" : " (" + string.Join(", ", reasonCodes.Select(r => r.Group is null ? $"{r.System} {r.Code}" : $"{r.Group}-{r.Code}")) + ")"));
        return new LineDetermination
        {
            Sequence = line.Sequence,
            Code = line.Code,
            DateOfService = dateOfService,
            Outcome = outcome,
            Modality = Modality,
            GovernedBy = governedBy,
            Policy = Policy,
            RelatedPolicy = RelatedPolicy,
            ReasonCodes = reasonCodes,
            RequiresPhysicianReview = outcome == LineOutcome.NotMedicallyNecessary,
            Rationale = rationale,
            Citations = Citations,
            InformationNeeded = InformationNeeded,
            FdaLabel = FdaLabel,
            Trace = _trace,
        };
    }
}
