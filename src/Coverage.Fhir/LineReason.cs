using Coverage.Engine.Model;

namespace Coverage.Fhir;

/// <summary>
/// The reason for a line, as a CRD card and a PAS note give it, composed from the determination's structured fields
/// (outcome, policy, the passage it cites first, the criteria not met, the information needed), never cut out of
/// the rationale's prose. The policy's evidence review is left to the policy link and citations.
/// </summary>
public sealed record LineReason(
    string Code, LineOutcome Outcome, PolicyReference? Policy, Citation? Statement, IReadOnlyList<string> UnmetCriteria, IReadOnlyList<string> InformationNeeded)
{
    public const int MaxLength = 1000;

    /// <summary>The X12 reason codes (CARC/RARC) of the line's determination: what a payer's review reason codes map from.</summary>
    public IReadOnlyList<ReasonCode> ReasonCodes { get; init; } = [];

    public static LineReason Of(LineDetermination line) => new(
        line.Code, line.Outcome, line.Policy, FirstPassage(line.Citations),
        [.. line.Criteria.Where(c => c.Result == CriterionResult.Unmet).Select(c => c.Text)],
        line.InformationNeeded)
    {
        ReasonCodes = line.ReasonCodes,
    };

    /// <summary>The passage a line cites first: the statement that decided it (or the passage that left it undecided).</summary>
    public static Citation? FirstPassage(IEnumerable<Citation> citations) => citations.FirstOrDefault(c => c.Section is not null);

    /// <summary>What the outcome finds, in words: "not medically necessary".</summary>
    public static string Finding(LineOutcome outcome) => outcome switch
    {
        LineOutcome.Covered => "covered",
        LineOutcome.NotMedicallyNecessary => "not medically necessary",
        LineOutcome.ExperimentalInvestigationalUnproven => "experimental, investigational or unproven",
        LineOutcome.NotCovered => "not covered",
        LineOutcome.ExcludedByPlan => "excluded by the member's plan",
        LineOutcome.InvalidCode => "not a valid code on the date of service",
        LineOutcome.InvalidCoding => "coded with diagnoses that do not agree with the procedure",
        LineOutcome.InformationRequired => "not decided until more information is sent",
        _ => "not addressed by a coverage policy",
    };

    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(Code).Append(" is ").Append(Finding(Outcome));
        if (Policy is not null) text.Append(" under policy ").Append(Policy.Id).Append(" \"").Append(Policy.Title).Append("\", version ").Append(Policy.Version);
        text.Append('.');
        if (Statement is not null) text.Append(' ').Append(Statement.Section).Append(": \"").Append(Statement.Text).Append('"');
        if (UnmetCriteria.Count > 0) text.Append(" Not met: ").AppendJoin("; ", UnmetCriteria.Select(c => c.TrimEnd('.'))).Append('.');
        if (InformationNeeded.Count > 0) text.Append(" Needed: ").AppendJoin("; ", InformationNeeded.Select(i => i.TrimEnd('.'))).Append('.');
        return text.Length <= MaxLength ? text.ToString() : text.ToString(0, MaxLength - 3) + "...";
    }
}
