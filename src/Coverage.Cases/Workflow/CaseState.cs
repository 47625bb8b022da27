namespace Coverage.Cases;

/// <summary>
/// A case as the workflow judges it: where it stands and why. The workflow reads a state and answers a new one
/// (or the rule a change breaks); the store keeps states, it does not decide them.
/// </summary>
/// <param name="Status">One of <see cref="CaseStatus"/>.</param>
/// <param name="FinalOutcome">The request outcome once every line is final (decisions applied); null until then.</param>
/// <param name="FinalizedAt">When the case became final; null until then.</param>
/// <param name="InformationRequest">What a reviewer asked the provider for, while the case waits for it.</param>
/// <param name="HeldLines">Lines a physician must confirm: information re-evaluated them to a final result without review.</param>
/// <param name="Lines">The lines of the latest determination, by sequence.</param>
/// <param name="Decisions">The lines physicians have decided.</param>
public sealed record CaseState(
    Guid Id,
    string Status,
    string? FinalOutcome,
    DateTime? FinalizedAt,
    string? InformationRequest,
    IReadOnlySet<int> HeldLines,
    IReadOnlyDictionary<int, CaseLine> Lines,
    IReadOnlyList<DecidedLine> Decisions);
