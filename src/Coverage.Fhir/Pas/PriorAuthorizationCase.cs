using Coverage.Engine.Model;

namespace Coverage.Fhir.Pas;

/// <summary>A case as PAS needs it: its lines with their outcomes and any reviewer decisions.</summary>
public sealed record PriorAuthorizationCase(Guid CaseId, string Status, DateTimeOffset UpdatedAt, IReadOnlyList<PriorAuthorizationLine> Lines)
{
    /// <summary>
    /// A stored case as PAS answers for it: each line of its determination with its structured reason
    /// (<see cref="LineReason.Of"/>) and the reviewer's decision on it, if any (the first one given for the line).
    /// </summary>
    public static PriorAuthorizationCase Of(Guid caseId, string status, DateTimeOffset updatedAt, Determination determination, IReadOnlyList<ReviewerDecision> decisions)
    {
        var lines = new List<PriorAuthorizationLine>(determination.Lines.Count);
        foreach (var line in determination.Lines)
        {
            var decision = decisions.FirstOrDefault(d => d.Sequence == line.Sequence);
            lines.Add(new PriorAuthorizationLine(line.Sequence, LineReason.Of(line), decision?.Action, decision?.Rationale, decision?.DecidedAt));
        }
        return new PriorAuthorizationCase(caseId, status, updatedAt, lines);
    }
}

/// <summary>One line: its reason from the structured determination, and the reviewer's decision if there is one.</summary>
public sealed record PriorAuthorizationLine(int Sequence, LineReason Reason, string? DecisionAction, string? DecisionRationale, DateTimeOffset? DecidedAt)
{
    public string Code => Reason.Code;
    public LineOutcome Outcome => Reason.Outcome;
}

/// <summary>A reviewer's decision on one line of a case (uphold or overturn), as the PAS response reports it.</summary>
public sealed record ReviewerDecision(int Sequence, string Action, string Rationale, DateTimeOffset DecidedAt);
