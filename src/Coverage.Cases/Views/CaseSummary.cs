namespace Coverage.Cases;

/// <summary>
/// One case of a list: enough to choose it from a queue, with the policies and modalities of its lines; whether it is
/// overdue (open, its clock running, past its due time), an appeal (of which case), and whether its clock stands still.
/// </summary>
public sealed record CaseSummary(
    Guid CaseId, string? RequestId, string? MemberId, string Status, string Priority, string Outcome, string? FinalOutcome,
    DateTime ReceivedAt, DateTime DueAt, IReadOnlyList<string> Policies, IReadOnlyList<string> Modalities, string? InformationRequest = null,
    bool Overdue = false, Guid? AppealOf = null, bool ClockPaused = false);
