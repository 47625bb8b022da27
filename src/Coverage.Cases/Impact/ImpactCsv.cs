using System.Globalization;
using System.Text;
using Coverage.Engine.Text;

namespace Coverage.Cases.Impact;

/// <summary>
/// The impact report as CSV (RFC 4180, invariant numbers): one row per key of each dimension, after a row of totals;
/// and the changed lines, one row each, for a file of every change (<see cref="LinesHeader"/>, <see cref="LineRow"/>).
/// Member ids are never written.
/// </summary>
public static class ImpactCsv
{
    public const string SummaryHeader = "dimension,key,lines,billed,lines_with_charge,members";

    public static string Write(ImpactReport report)
    {
        var csv = new StringBuilder();
        csv.Append(SummaryHeader).Append('\n');
        Row(csv, "total", "changed lines", report.Changed);
        foreach (var (name, buckets) in report.Dimensions)
            foreach (var (key, bucket) in ImpactReport.Ranked(buckets)) Row(csv, name, key, bucket);
        return csv.ToString();
    }

    private static void Row(StringBuilder csv, string dimension, string key, ImpactBucket bucket) =>
        csv.Append(CultureInfo.InvariantCulture, $"{CsvField.Of(dimension)},{CsvField.Of(key)},{bucket.Lines},{bucket.Billed},{bucket.LinesWithCharge},{bucket.Members}\n");

    public const string LinesHeader =
        "id,position,sequence,code,date_of_service,plan,charge,changes,before_outcome,after_outcome,before_policy,after_policy," +
        "before_reason_codes,after_reason_codes,before_information,after_information,before_rule,after_rule";

    public static string LineRow(ImpactLine line) => string.Join(',',
        CsvField.Of(line.Id ?? ""), CsvField.Of(line.Position), line.Sequence.ToString(CultureInfo.InvariantCulture),
        CsvField.Of(line.Code), line.DateOfService.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), CsvField.Of(line.Plan),
        line.Charge?.ToString(CultureInfo.InvariantCulture) ?? "", CsvField.Of(string.Join(' ', line.Changes)),
        CsvField.Of(line.Before.Outcome), CsvField.Of(line.After.Outcome),
        CsvField.Of(line.Before.Policy ?? ""), CsvField.Of(line.After.Policy ?? ""),
        CsvField.Of(string.Join("; ", line.Before.ReasonCodes)), CsvField.Of(string.Join("; ", line.After.ReasonCodes)),
        CsvField.Of(string.Join("; ", line.Before.InformationNeeded)), CsvField.Of(string.Join("; ", line.After.InformationNeeded)),
        CsvField.Of(line.Before.Rule), CsvField.Of(line.After.Rule)) + "\n";
}
