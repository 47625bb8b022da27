using Coverage.Engine.Model;

namespace Coverage.Claims.Batch;

/// <summary>Counts over the records written so far: what the summary and the checkpoint report.</summary>
public sealed class BatchTotals
{
    private readonly long[] _lineOutcomes = new long[Enum.GetValues<LineOutcome>().Length];
    private readonly long[] _claimOutcomes = new long[Enum.GetValues<RequestOutcome>().Length];

    /// <summary>Records read from the input: decided claims and rejected records.</summary>
    public long Records { get; set; }
    public long Claims { get; set; }
    public long Lines { get; set; }
    public long Rejected { get; set; }
    /// <summary>Voids (837P CLM05-3 8): withdrawn claims, recorded and not decided.</summary>
    public long Voided { get; set; }
    /// <summary>Encounters (837P BHT06 RP) reported and not decided.</summary>
    public long Encounters { get; set; }

    public long this[LineOutcome outcome] => _lineOutcomes[(int)outcome];
    public long this[RequestOutcome outcome] => _claimOutcomes[(int)outcome];

    public IReadOnlyDictionary<string, long> LineOutcomes =>
        Enum.GetValues<LineOutcome>().Where(o => this[o] > 0).ToDictionary(o => o.ToWire(), o => this[o]);

    public IReadOnlyDictionary<string, long> ClaimOutcomes =>
        Enum.GetValues<RequestOutcome>().Where(o => this[o] > 0).ToDictionary(o => o.ToWire(), o => this[o]);

    public void Decided(Determination determination)
    {
        Records++;
        Claims++;
        _claimOutcomes[(int)determination.Outcome]++;
        foreach (var line in determination.Lines)
        {
            Lines++;
            _lineOutcomes[(int)line.Outcome]++;
        }
    }

    /// <summary>A void or an encounter: recorded in the results, not decided.</summary>
    public void NotDecided(ClaimRecord record)
    {
        Records++;
        if (record.Frequency == ClaimFrequency.Void) Voided++;
        else Encounters++;
    }

    public void Reject()
    {
        Records++;
        Rejected++;
    }

    public void Add(BatchTotals other)
    {
        Records += other.Records;
        Claims += other.Claims;
        Lines += other.Lines;
        Rejected += other.Rejected;
        Voided += other.Voided;
        Encounters += other.Encounters;
        for (var i = 0; i < _lineOutcomes.Length; i++) _lineOutcomes[i] += other._lineOutcomes[i];
        for (var i = 0; i < _claimOutcomes.Length; i++) _claimOutcomes[i] += other._claimOutcomes[i];
    }

    internal static BatchTotals From(long records, long claims, long lines, long rejected,
        IReadOnlyDictionary<string, long>? lineOutcomes, IReadOnlyDictionary<string, long>? claimOutcomes, long voided = 0, long encounters = 0)
    {
        var totals = new BatchTotals { Records = records, Claims = claims, Lines = lines, Rejected = rejected, Voided = voided, Encounters = encounters };
        foreach (var outcome in Enum.GetValues<LineOutcome>())
            totals._lineOutcomes[(int)outcome] = lineOutcomes?.GetValueOrDefault(outcome.ToWire()) ?? 0;
        foreach (var outcome in Enum.GetValues<RequestOutcome>())
            totals._claimOutcomes[(int)outcome] = claimOutcomes?.GetValueOrDefault(outcome.ToWire()) ?? 0;
        return totals;
    }
}
