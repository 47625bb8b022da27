using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

/// <summary>
/// What a workflow needs of one line of a stored determination (its sequence, outcome and whether a physician decides
/// it), read by <see cref="DeterminationReader.ReadLineSummaries"/> without building the rationales, citations and
/// trace of the whole determination.
/// </summary>
public readonly record struct DeterminationLineSummary(int Sequence, LineOutcome Outcome, bool RequiresPhysicianReview);
