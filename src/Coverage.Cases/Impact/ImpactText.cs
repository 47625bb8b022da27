using System.Globalization;
using System.Text;

namespace Coverage.Cases.Impact;

/// <summary>The impact report as a readable summary: totals, each dimension's keys, one sample line per transition.</summary>
public static class ImpactText
{
    public static string Write(ImpactReport report)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(culture, $"Impact of {report.Candidate.Name} against {report.Baseline.Name}");
        text.AppendLine(culture, $"  on {report.Input}");
        text.AppendLine(culture, $"  records:  {report.Records:N0} read, {report.Rejected:N0} rejected (not decided)");
        text.AppendLine(culture, $"  lines:    {report.LinesCompared:N0} compared, {report.Changed.Lines:N0} changed (outcome, reason codes or information required)");
        text.AppendLine(culture, $"  billed:   {report.Changed.Billed:N2} on the changed lines ({report.Changed.LinesWithCharge:N0} of them state a charge)");
        text.AppendLine(culture, $"  members:  {report.Changed.Members:N0} affected");
        foreach (var (name, buckets) in report.Dimensions)
        {
            if (buckets.Count == 0) continue;
            text.AppendLine();
            text.AppendLine(culture, $"By {name}:");
            var width = Math.Min(60, buckets.Keys.Max(k => k.Length));
            foreach (var (key, bucket) in ImpactReport.Ranked(buckets))
                text.AppendLine(culture, $"  {key.PadRight(width)}  {bucket.Lines,8:N0} lines  {bucket.Billed,14:N2} billed  {bucket.Members,6:N0} members");
        }
        foreach (var (transition, _) in ImpactReport.Ranked(report.ByTransition))
        {
            var line = report.Samples[transition][0];
            text.AppendLine();
            text.AppendLine(culture, $"Example of {transition}: {line.Id} line {line.Sequence} ({line.Position}), {line.Code} on {line.DateOfService:yyyy-MM-dd}, plan {line.Plan}");
            text.AppendLine(culture, $"  before: {line.Before.Outcome} [{string.Join(", ", line.Before.ReasonCodes)}] by {line.Before.Rule}: {Decisive(line.Before)}");
            text.AppendLine(culture, $"  after:  {line.After.Outcome} [{string.Join(", ", line.After.ReasonCodes)}] by {line.After.Rule}: {Decisive(line.After)}");
        }
        if (report.Rejected > 0)
        {
            text.AppendLine();
            text.AppendLine(culture, $"Rejected records ({report.Rejected:N0}; the first {report.RejectedSample.Count}):");
            foreach (var rejected in report.RejectedSample)
                text.AppendLine(culture, $"  {rejected.Position}{(rejected.Id is null ? "" : $" ({rejected.Id})")}: {string.Join("; ", rejected.Errors)}");
        }
        return text.ToString();
    }

    /// <summary>The trace line of the rule that decided.</summary>
    private static string Decisive(ImpactSide side) =>
        side.Trace.LastOrDefault(t => t.StartsWith(side.Rule + ":", StringComparison.Ordinal)) is { } step ? step[(side.Rule.Length + 1)..].Trim() : "";
}
