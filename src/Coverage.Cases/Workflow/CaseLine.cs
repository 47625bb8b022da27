using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>What the workflow needs of one line of a case's latest determination.</summary>
/// <param name="Outcome">The line's outcome as the determination writes it (quoted in messages).</param>
public sealed record CaseLine(int Sequence, string Outcome, LineOutcome LineOutcome, bool RequiresPhysicianReview)
{
    public static CaseLine Of(LineDetermination line) =>
        new(line.Sequence, line.Outcome.ToWire(), line.Outcome, line.RequiresPhysicianReview);
}
