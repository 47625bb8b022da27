using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Cases.Impact;

/// <summary>What re-deciding one input under both catalogues found: the lines compared and those that changed, or why it could not be decided.</summary>
public sealed record ImpactComparison
{
    public required ImpactInput Input { get; init; }
    /// <summary>Why the input could not be decided (under either catalogue); empty when it was.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
    public int LinesCompared { get; init; }
    public IReadOnlyList<ImpactLine> Changed { get; init; } = [];

    public bool IsRejected => Errors.Count > 0;

    /// <summary>
    /// Decides the input with each evaluator (the one evaluator of the engine, each with its catalogue) and keeps the
    /// lines whose outcome, reason codes or required information differ. Lines are matched by sequence.
    /// </summary>
    public static ImpactComparison Of(ImpactInput input, Evaluator baseline, Evaluator candidate, BilledAmounts? billed = null)
    {
        var before = input.Read(baseline.Catalogue);
        var after = input.Read(candidate.Catalogue);
        if (before.Request is null || after.Request is null)
            return new ImpactComparison { Input = input, Errors = Problems(before.Errors, after.Errors) };

        var baselineLines = baseline.Evaluate(before.Request).Lines;
        var candidateLines = candidate.Evaluate(after.Request).Lines;
        List<ImpactLine>? changed = null;
        for (var i = 0; i < candidateLines.Count; i++)
        {
            var next = candidateLines[i];
            var previous = i < baselineLines.Count && baselineLines[i].Sequence == next.Sequence
                ? baselineLines[i]
                : baselineLines.FirstOrDefault(l => l.Sequence == next.Sequence);
            if (previous is null) continue;
            var beforeSide = ImpactSide.Of(previous);
            var afterSide = ImpactSide.Of(next);
            var changes = afterSide.DifferencesFrom(beforeSide);
            if (changes.Count == 0) continue;
            (changed ??= []).Add(new ImpactLine
            {
                Id = input.Id,
                Position = input.Position,
                Sequence = next.Sequence,
                Code = next.Code,
                DateOfService = next.DateOfService,
                Plan = after.Request.Member.PlanId,
                Charge = ChargeOf(input, after.Request, next.Sequence) ?? billed?.Of(after.Request.RequestId, next.Sequence),
                MemberKey = after.Request.Member.Id,
                Changes = changes,
                Before = beforeSide,
                After = afterSide,
            });
        }
        return new ImpactComparison { Input = input, LinesCompared = candidateLines.Count, Changed = changed ?? [] };
    }

    /// <summary>The problems of a record, once when both catalogues found the same ones (a reader's error), else each side's, named.</summary>
    private static IReadOnlyList<string> Problems(IReadOnlyList<string> baseline, IReadOnlyList<string> candidate) =>
        baseline.SequenceEqual(candidate, StringComparer.Ordinal) ? baseline
            : [.. baseline.Select(e => $"baseline: {e}"), .. candidate.Select(e => $"candidate: {e}")];

    /// <summary>The charge of the request's line with this sequence: charges are in line order, as the request's lines are.</summary>
    private static decimal? ChargeOf(ImpactInput input, CoverageRequest request, int sequence)
    {
        for (var i = 0; i < request.ServiceLines.Count && i < input.Charges.Count; i++)
            if (request.ServiceLines[i].Sequence == sequence) return input.Charges[i];
        return null;
    }
}
