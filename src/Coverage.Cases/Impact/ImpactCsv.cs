using System.Globalization;
using System.Text;

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
        csv.Append(CultureInfo.InvariantCulture, $"{Field(dimension)},{Field(key)},{bucket.Lines},{bucket.Billed},{bucket.LinesWithCharge},{bucket.Members}\n");

    public const string LinesHeader =
        "id,position,sequence,code,date_of_service,plan,charge,changes,before_outcome,after_outcome,before_policy,after_policy," +
        "before_reason_codes,after_reason_codes,before_information,after_information,before_rule,after_rule";

    public static string LineRow(ImpactLine line) => string.Join(',',
        Field(line.Id ?? ""), Field(line.Position), line.Sequence.ToString(CultureInfo.InvariantCulture), Field(line.Code),
        line.DateOfService.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Field(line.Plan),
        line.Charge?.ToString(CultureInfo.InvariantCulture) ?? "", Field(string.Join(' ', line.Changes)),
        Field(line.Before.Outcome), Field(line.After.Outcome), Field(line.Before.Policy ?? ""), Field(line.After.Policy ?? ""),
        Field(string.Join("; ", line.Before.ReasonCodes)), Field(string.Join("; ", line.After.ReasonCodes)),
        Field(string.Join("; ", line.Before.InformationNeeded)), Field(string.Join("; ", line.After.InformationNeeded)),
        Field(line.Before.Rule), Field(line.After.Rule)) + "\n";

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break; a leading =, +, - or @ is prefixed with ' so that a spreadsheet does not run it.</summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
