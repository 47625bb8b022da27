using Coverage.Engine.Model;

namespace Coverage.Fhir.Pas;

/// <summary>A case as PAS needs it: its lines with their outcomes, any reviewer decisions, and the lines the provider cancelled.</summary>
public sealed record PriorAuthorizationCase(Guid CaseId, string Status, DateTimeOffset UpdatedAt, IReadOnlyList<PriorAuthorizationLine> Lines)
{
    /// <summary>A reviewer's open request for more information, with the questionnaires it names; null when none is open.</summary>
    public OpenInformationRequest? InformationRequest { get; init; }

    /// <summary>When the engine decided the lines as they stand (the determination's evaluation time): the issue date of what it certified.</summary>
    public DateTimeOffset? EvaluatedAt { get; init; }

    /// <summary>
    /// A stored case as PAS answers for it: each line of its determination with its structured reason
    /// (<see cref="LineReason.Of"/>) and the reviewer's decision on it, if any (the first one given for the line),
    /// and each line the provider cancelled (<paramref name="cancelled"/>: sequence and code), in sequence order.
    /// </summary>
    public static PriorAuthorizationCase Of(
        Guid caseId, string status, DateTimeOffset updatedAt, Determination determination, IReadOnlyList<ReviewerDecision> decisions,
        IReadOnlyList<(int Sequence, string Code)>? cancelled = null)
    {
        var cancelledLines = cancelled ?? [];
        var lines = new List<PriorAuthorizationLine>(determination.Lines.Count + cancelledLines.Count);
        foreach (var line in determination.Lines)
        {
            var decision = decisions.FirstOrDefault(d => d.Sequence == line.Sequence);
            lines.Add(new PriorAuthorizationLine(line.Sequence, LineReason.Of(line), decision?.Action, decision?.Rationale, decision?.DecidedAt,
                Cancelled: cancelledLines.Any(c => c.Sequence == line.Sequence)) { DateOfService = line.DateOfService });
        }
        // A line cancelled by an update is no longer in the case's determination (the rest was evaluated without it).
        foreach (var (sequence, code) in cancelledLines.Where(c => lines.All(l => l.Sequence != c.Sequence)))
            lines.Add(new PriorAuthorizationLine(sequence, new LineReason(code, LineOutcome.NotAddressed, null, null, [], []), null, null, null, Cancelled: true));
        lines.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return new PriorAuthorizationCase(caseId, status, updatedAt, lines) { EvaluatedAt = determination.EvaluatedAt };
    }
}

/// <summary>One line: its reason from the structured determination, the reviewer's decision if there is one, and whether the provider cancelled it.</summary>
public sealed record PriorAuthorizationLine(
    int Sequence, LineReason Reason, string? DecisionAction, string? DecisionRationale, DateTimeOffset? DecidedAt, bool Cancelled = false)
{
    /// <summary>The date of service the line was decided for; null for a line cancelled before it was decided.</summary>
    public DateOnly? DateOfService { get; init; }

    public string Code => Reason.Code;
    public LineOutcome Outcome => Reason.Outcome;
}

/// <summary>A reviewer's decision on one line of a case (uphold or overturn), as the PAS response reports it.</summary>
public sealed record ReviewerDecision(int Sequence, string Action, string Rationale, DateTimeOffset DecidedAt);

/// <summary>What a reviewer asked the provider for, and the DTR questionnaires (per line) to answer it with.</summary>
public sealed record OpenInformationRequest(string Needed, IReadOnlyList<Dtr.RequestedQuestionnaire> Questionnaires);
