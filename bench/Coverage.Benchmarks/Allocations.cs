using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// "No allocation beyond the determination itself", measured: the bytes the evaluator allocates for a
/// request, against the bytes of the determination's own objects — those not shared with another
/// evaluation of the same request (compiled strings and memoised values are shared, so they are not
/// the determination's). The second figure is measured with the same allocator, by copying exactly
/// the unshared objects; the difference is what the evaluator allocated and then threw away.
/// </summary>
public static class Allocations
{
    public readonly record struct Report(long Lines, long Evaluated, long Determinations)
    {
        public double EvaluatedPerLine => Evaluated / (double)Lines;
        public double DeterminationPerLine => Determinations / (double)Lines;
        public double OverheadPerLine => (Evaluated - Determinations) / (double)Lines;
    }

    public static Report Measure(Evaluator evaluator, IReadOnlyList<CoverageRequest> requests, Dictionary<string, (int Requests, long Bytes)>? overheadByOutcome = null)
    {
        foreach (var request in requests) evaluator.Evaluate(request); // warm: JIT, memos, per-thread state
        long lines = 0, evaluated = 0, determinations = 0;
        foreach (var request in requests)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var determination = evaluator.Evaluate(request);
            var evaluatedNow = GC.GetAllocatedBytesForCurrentThread() - before;
            evaluated += evaluatedNow;

            var again = evaluator.Evaluate(request);
            before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(CopyOwn(determination, again));
            var own = GC.GetAllocatedBytesForCurrentThread() - before;
            determinations += own;
            lines += determination.Lines.Count;
            if (overheadByOutcome is not null)
            {
                var key = string.Join(" + ", determination.Lines.Select(l => l.Outcome.ToWire() + (l.Trace.Count > 1 ? " " + l.Trace[^2].Split(':')[0] : "")));
                var (count, bytes) = overheadByOutcome.GetValueOrDefault(key);
                overheadByOutcome[key] = (count + 1, bytes + (evaluatedNow - own));
            }
        }
        return new Report(lines, evaluated, determinations);
    }

    /// <summary>A copy of every object of <paramref name="d"/> that is not also in <paramref name="other"/>.</summary>
    private static Determination CopyOwn(Determination d, Determination other)
    {
        var lines = new LineDetermination[d.Lines.Count];
        for (var i = 0; i < lines.Length; i++) lines[i] = CopyOwn(d.Lines[i], other.Lines[i]);
        return d with { Lines = lines, Warnings = Own(d.Warnings, other.Warnings) };
    }

    private static LineDetermination CopyOwn(LineDetermination l, LineDetermination o) => l with
    {
        Code = Own(l.Code, o.Code)!,
        Modality = Own(l.Modality, o.Modality),
        Policy = ReferenceEquals(l.Policy, o.Policy) ? l.Policy : l.Policy! with { },
        RelatedPolicy = Own(l.RelatedPolicy, o.RelatedPolicy),
        ReasonCodes = Own(l.ReasonCodes, o.ReasonCodes),
        Rationale = Own(l.Rationale, o.Rationale)!,
        Citations = Own(l.Citations, o.Citations),
        InformationNeeded = Own(l.InformationNeeded, o.InformationNeeded),
        FdaLabel = ReferenceEquals(l.FdaLabel, o.FdaLabel) ? l.FdaLabel : l.FdaLabel! with
        {
            Criteria = Own(l.FdaLabel.Criteria, o.FdaLabel!.Criteria),
            Unmet = Own(l.FdaLabel.Unmet, o.FdaLabel.Unmet),
            Unknown = Own(l.FdaLabel.Unknown, o.FdaLabel.Unknown),
        },
        Trace = Own(l.Trace, o.Trace),
    };

    private static string? Own(string? s, string? other) => s is null || ReferenceEquals(s, other) ? s : new string(s.AsSpan());

    private static IReadOnlyList<T> Own<T>(IReadOnlyList<T> list, IReadOnlyList<T> other) where T : class
    {
        if (ReferenceEquals(list, other)) return list;
        T[] items;
        switch (list)
        {
            case T[] array: items = new T[array.Length]; break;
            case List<T> growable:
                var copy = new List<T>(growable.Capacity);
                for (var i = 0; i < growable.Count; i++) copy.Add(OwnItem(growable[i], other.Count > i ? other[i] : null));
                return copy;
            default: throw new InvalidOperationException($"unexpected list type {list.GetType()} in a determination");
        }
        for (var i = 0; i < items.Length; i++) items[i] = OwnItem(list[i], other.Count > i ? other[i] : null);
        return items;
    }

    private static T OwnItem<T>(T item, T? other) where T : class => item switch
    {
        _ when ReferenceEquals(item, other) => item,
        string s => (T)(object)new string(s.AsSpan()),
        Citation c => (T)(object)(c with { }),
        ReasonCode r => (T)(object)(r with { }),
        CriterionAssessment a => (T)(object)(a with { }),
        _ => throw new InvalidOperationException($"unexpected item type {item.GetType()} in a determination"),
    };
}
