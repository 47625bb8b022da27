using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

/// <summary>
/// What a workflow or a count needs of one line of a stored determination (its sequence, outcome, whether a physician
/// decides it, and the id of the policy that decided it, if any), read by <see cref="DeterminationReader.ReadLineSummaries(Utf8Json)"/> without building the rationales, citations and
/// trace of the whole determination.
/// </summary>
public readonly record struct DeterminationLineSummary(int Sequence, LineOutcome Outcome, bool RequiresPhysicianReview, string? PolicyId);
