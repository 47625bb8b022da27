using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>An outcome with its reason codes (spec section 8) and the last step of the trace, shared by every line.</summary>
internal sealed class Verdict
{
    private Verdict(LineOutcome outcome, params ReasonCode[] reasonCodes)
    {
        Outcome = outcome;
        ReasonCodes = Array.AsReadOnly(reasonCodes);
        Trace = $"outcome: {outcome.ToWire()}" + (reasonCodes.Length == 0 ? "" : " (" + string.Join(", ", reasonCodes.Select(r => r.Group is null ? $"{r.System} {r.Code}" : $"{r.Group}-{r.Code}")) + ")");
    }

    public LineOutcome Outcome { get; }
    public IReadOnlyList<ReasonCode> ReasonCodes { get; }
    public string Trace { get; }

    public static readonly Verdict NotAddressed = new(LineOutcome.NotAddressed);
    public static readonly Verdict Covered = new(LineOutcome.Covered);
    public static readonly Verdict NotMedicallyNecessary = new(LineOutcome.NotMedicallyNecessary, ReasonCode.Carc("50", "CO"));
    /// <summary>Experimental, investigational or unproven (coverage-semantics.md §10): CARC 55, not 50.</summary>
    public static readonly Verdict ExperimentalInvestigationalUnproven = new(LineOutcome.ExperimentalInvestigationalUnproven, ReasonCode.Carc("55", "CO"));
    /// <summary>Not a covered service under the policy: CARC 96 (non-covered charge).</summary>
    public static readonly Verdict NotCovered = new(LineOutcome.NotCovered, ReasonCode.Carc("96", "CO"));
    public static readonly Verdict ExcludedByPlan = new(LineOutcome.ExcludedByPlan, ReasonCode.Carc("204", "PR"));
    public static readonly Verdict InvalidCode = new(LineOutcome.InvalidCode, ReasonCode.Carc("181", "CO"));
    public static readonly Verdict InvalidCoding = new(LineOutcome.InvalidCoding, ReasonCode.Carc("11", "CO"));
    /// <summary>The procedure cannot be identified (RARC N350).</summary>
    public static readonly Verdict NeedsDescription = new(LineOutcome.InformationRequired, ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("N350"));
    /// <summary>The diagnosis is missing (RARC M76).</summary>
    public static readonly Verdict NeedsDiagnosis = new(LineOutcome.InformationRequired, ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("M76"));
    /// <summary>The records do not show whether the FDA label's criteria are met (RARC M127).</summary>
    public static readonly Verdict NeedsRecords = new(LineOutcome.InformationRequired, ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("M127"));
}

/// <summary>
/// A line's determination while its steps run: each step adds trace, citations or facts, one step decides.
/// One draft per thread is reused line after line (<see cref="Start"/>); deciding copies what the line
/// gathered into arrays of exactly its size, so a line allocates its determination and nothing else.
/// </summary>
internal sealed class LineDraft
{
    private readonly List<string> _trace = new(16);
    private readonly List<Citation> _citations = new(8);
    private readonly List<string> _information = new(8);
    private ServiceLine _line = null!;
    private DateOnly _dateOfService;

    public string? Modality { get; set; }
    public PolicyReference? Policy { get; set; }
    public string? RelatedPolicy { get; set; }
    public FdaLabelAssessment? FdaLabel { get; set; }
    public IReadOnlyList<CriterionFinding> Criteria { get; set; } = [];
    public IReadOnlyList<FactNeeded> FactsNeeded { get; set; } = [];
    /// <summary>Set by a step that decided the line but returns no result itself.</summary>
    public LineDetermination? Result { get; set; }

    /// <summary>Empties the draft for a new line.</summary>
    public LineDraft Start(ServiceLine line, DateOnly dateOfService)
    {
        _line = line;
        _dateOfService = dateOfService;
        _trace.Clear();
        _citations.Clear();
        _information.Clear();
        Modality = null;
        Policy = null;
        RelatedPolicy = null;
        FdaLabel = null;
        Criteria = [];
        FactsNeeded = [];
        Result = null;
        return this;
    }

    public LineDraft Trace(string step)
    {
        _trace.Add(step);
        return this;
    }

    public void Cite(Citation citation) => _citations.Add(citation);

    public LineDetermination NotAddressed(string rationale, IReadOnlyList<Citation>? citations = null)
    {
        FdaLabel = null;
        Criteria = [];
        FactsNeeded = [];
        return Decide(Verdict.NotAddressed, null, rationale, citations);
    }

    /// <summary>
    /// Decides the line. Only an adverse medical-necessity outcome waits for a physician (spec section 6).
    /// <paramref name="citations"/> and <paramref name="information"/>, shared lists compiled with the
    /// policy, come after whatever the steps gathered.
    /// </summary>
    public LineDetermination Decide(Verdict verdict, GoverningSource? governedBy, string rationale,
        IReadOnlyList<Citation>? citations = null, IReadOnlyList<string>? information = null)
    {
        _trace.Add(verdict.Trace);
        return new LineDetermination
        {
            Sequence = _line.Sequence,
            Code = _line.Code,
            DateOfService = _dateOfService,
            Outcome = verdict.Outcome,
            Modality = Modality,
            GovernedBy = governedBy,
            Policy = Policy,
            RelatedPolicy = RelatedPolicy,
            ReasonCodes = verdict.ReasonCodes,
            RequiresPhysicianReview = verdict.Outcome is LineOutcome.NotMedicallyNecessary or LineOutcome.ExperimentalInvestigationalUnproven,
            Rationale = rationale,
            Citations = Join(_citations, citations),
            InformationNeeded = Join(_information, information),
            FdaLabel = FdaLabel,
            Criteria = Criteria,
            FactsNeeded = FactsNeeded,
            Trace = _trace.ToArray(),
        };
    }

    private static IReadOnlyList<T> Join<T>(List<T> gathered, IReadOnlyList<T>? compiled)
    {
        if (gathered.Count == 0) return compiled ?? [];
        if (compiled is null || compiled.Count == 0) return gathered.ToArray();
        var all = new T[gathered.Count + compiled.Count];
        gathered.CopyTo(all);
        for (var i = 0; i < compiled.Count; i++) all[gathered.Count + i] = compiled[i];
        return all;
    }
}
