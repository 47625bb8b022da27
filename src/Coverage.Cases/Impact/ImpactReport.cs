namespace Coverage.Cases.Impact;

/// <summary>A catalogue an impact run decided with: how the caller named it, and its digest (same digest, same rules).</summary>
public sealed record ImpactCatalogue(string Name, string Digest);

/// <summary>A record that could not be decided: where it is, its id, and why (the reader's or the request rules' errors).</summary>
public sealed record ImpactRejected(string Position, string? Id, IReadOnlyList<string> Errors);

/// <summary>
/// What a change of catalogue does to a set of inputs, built in input order one comparison at a time: totals, the
/// changed lines counted by transition, policy, rule, criterion, service and plan (lines, billed amount, members),
/// and a bounded sample of lines per transition with both traces. Memory grows with the number of distinct keys and
/// members affected, never with the lines read, so a million-line file is summarised in constant memory.
/// </summary>
public sealed class ImpactReport(ImpactCatalogue baseline, ImpactCatalogue candidate, string input, int samplesPerTransition = ImpactReport.DefaultSamples)
{
    public const int DefaultSamples = 3;
    /// <summary>Rejected records kept as examples; all are counted.</summary>
    public const int RejectedSampleSize = 20;

    private readonly List<ImpactRejected> _rejected = [];
    private readonly Dictionary<string, List<ImpactLine>> _samples = new(StringComparer.Ordinal);

    public ImpactCatalogue Baseline { get; } = baseline;
    public ImpactCatalogue Candidate { get; } = candidate;
    /// <summary>What was re-decided: "claims FILE (837)" or "cases (sqlite)".</summary>
    public string Input { get; } = input;
    public int SamplesPerTransition { get; } = samplesPerTransition;

    /// <summary>Records read: decided and rejected.</summary>
    public long Records { get; private set; }
    public long Rejected { get; private set; }
    public long LinesCompared { get; private set; }
    public ImpactBucket Changed { get; } = new();

    public SortedDictionary<string, ImpactBucket> ByTransition { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ImpactBucket> ByPolicy { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ImpactBucket> ByRule { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ImpactBucket> ByCriterion { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ImpactBucket> ByService { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ImpactBucket> ByPlan { get; } = new(StringComparer.Ordinal);

    /// <summary>The dimensions in the order reports show them, with their names in JSON and CSV.</summary>
    public IEnumerable<(string Name, SortedDictionary<string, ImpactBucket> Buckets)> Dimensions =>
    [
        ("transition", ByTransition), ("policy", ByPolicy), ("rule", ByRule), ("criterion", ByCriterion), ("service", ByService), ("plan", ByPlan),
    ];

    /// <summary>The first lines of each transition, in input order.</summary>
    public IReadOnlyDictionary<string, List<ImpactLine>> Samples => _samples;
    public IReadOnlyList<ImpactRejected> RejectedSample => _rejected;

    /// <summary>Adds one input's comparison; comparisons must come in input order for the samples to be the first ones.</summary>
    public void Add(ImpactComparison comparison)
    {
        Records++;
        if (comparison.IsRejected)
        {
            Rejected++;
            if (_rejected.Count < RejectedSampleSize)
                _rejected.Add(new ImpactRejected(comparison.Input.Position, comparison.Input.Id, comparison.Errors));
            return;
        }
        LinesCompared += comparison.LinesCompared;
        foreach (var line in comparison.Changed)
        {
            Changed.Add(line);
            Count(ByTransition, line.Transition, line);
            Count(ByPolicy, line.PolicyKey, line);
            Count(ByRule, line.RuleKey, line);
            foreach (var criterion in line.CriterionKeys()) Count(ByCriterion, criterion, line);
            Count(ByService, line.ServiceKey, line);
            Count(ByPlan, line.Plan, line);
            if (!_samples.TryGetValue(line.Transition, out var sample)) _samples[line.Transition] = sample = [];
            if (sample.Count < SamplesPerTransition) sample.Add(line);
        }
    }

    private static void Count(SortedDictionary<string, ImpactBucket> buckets, string key, ImpactLine line)
    {
        if (!buckets.TryGetValue(key, out var bucket)) buckets[key] = bucket = new ImpactBucket();
        bucket.Add(line);
    }

    /// <summary>A dimension's keys, most lines first, then by key (ordinal): the same input gives the same order.</summary>
    public static IEnumerable<KeyValuePair<string, ImpactBucket>> Ranked(SortedDictionary<string, ImpactBucket> buckets) =>
        buckets.OrderByDescending(b => b.Value.Lines).ThenBy(b => b.Key, StringComparer.Ordinal);
}
