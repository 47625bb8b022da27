using Coverage.Benchmarks.Peer;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// The check that makes the comparison fair: on every line of the mix, the peer decides the same outcome
/// as the evaluator (and, where the line reached the FDA label, the same label status; where a policy decided
/// it, the same policy). The benchmark program runs it before measuring and refuses to measure if anything
/// differs; the tests run it too.
/// </summary>
public static class Equivalence
{
    public static IReadOnlyList<string> Differences(Evaluator evaluator, RulesEnginePeer peer, IEnumerable<CoverageRequest> requests)
    {
        var differences = new List<string>();
        foreach (var request in requests)
        {
            var ours = evaluator.Evaluate(request).Lines;
            var theirs = peer.Evaluate(request);
            for (var i = 0; i < ours.Count; i++)
            {
                var line = ours[i];
                var expected = line.Outcome.ToWire();
                var actual = theirs[i].Outcome.ToWire();
                if (expected != actual)
                    differences.Add($"{request.RequestId} line {line.Sequence} ({line.Code}): evaluator {expected}, peer {actual}");
                else if (theirs[i].Label is { } label && line.FdaLabel?.Status != label)
                    differences.Add($"{request.RequestId} line {line.Sequence} ({line.Code}): evaluator label {line.FdaLabel?.Status.ToWire() ?? "none"}, peer {label.ToWire()}");
                else if (DecidedBy(line) is { } policy && policy != theirs[i].Policy)
                    differences.Add($"{request.RequestId} line {line.Sequence} ({line.Code}): {expected} by {policy} in the evaluator, by {theirs[i].Policy ?? "no policy"} in the peer");
            }
        }
        return differences;
    }

    /// <summary>
    /// The policy that decided a line. Not-addressed lines have none (the first policy tried explains them), and
    /// an invalid code has one only when a version was in effect, which the peer does not track.
    /// </summary>
    public static string? DecidedBy(LineDetermination line) =>
        line.Outcome is LineOutcome.NotAddressed or LineOutcome.InvalidCode ? null : line.Policy?.Id;

    /// <summary>How often each outcome, plan and label status occurs in the mix (it must hold every one), and each outcome by the policy that gave it.</summary>
    public static IReadOnlyDictionary<string, int> Composition(Evaluator evaluator, IEnumerable<CoverageRequest> requests)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Count(string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
        foreach (var request in requests)
        {
            Count("plan " + request.Member.PlanId);
            foreach (var line in evaluator.Evaluate(request).Lines)
            {
                Count("outcome " + line.Outcome.ToWire());
                if (DecidedBy(line) is { } policy) Count($"policy {policy} {line.Outcome.ToWire()}");
                if (line.FdaLabel is { } label) Count("fda-label " + label.Status.ToWire());
                if (line.Code == "19499") Count("unlisted 19499");
                Count("lines");
            }
        }
        return counts;
    }
}
