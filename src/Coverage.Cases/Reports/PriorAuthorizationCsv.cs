using System.Globalization;
using System.Text;
using Coverage.Engine.Text;

namespace Coverage.Cases;

/// <summary>
/// The report as CSV (RFC 4180): one row per stratum and urgency with every metric, then — after a blank line — the
/// items requiring prior authorization. Numbers in the invariant culture; an empty cell where a metric has no value.
/// </summary>
public static class PriorAuthorizationCsv
{
    public static string Write(PriorAuthorizationReport report)
    {
        var csv = new StringBuilder();
        csv.Append("from,to,stratum,priority,requests,decided,pending,withdrawn,approved,denied,other,approvedAfterAppeal,approvedAfterExtension,")
           .Append("percentApproved,percentDenied,percentApprovedAfterAppeal,percentApprovedAfterExtension,averageHoursToDecision,medianHoursToDecision\r\n");
        foreach (var stratum in report.Strata)
            foreach (var (priority, m) in new[] { ("standard", stratum.Standard), ("expedited", stratum.Expedited) })
                csv.AppendJoin(',', [
                    Date(report.From), Date(report.To), stratum.Stratum, priority,
                    N(m.Requests), N(m.Decided), N(m.Pending), N(m.Withdrawn), N(m.Approved), N(m.Denied), N(m.Other), N(m.ApprovedAfterAppeal), N(m.ApprovedAfterExtension),
                    N(m.PercentApproved), N(m.PercentDenied), N(m.PercentApprovedAfterAppeal), N(m.PercentApprovedAfterExtension),
                    N(m.AverageHoursToDecision), N(m.MedianHoursToDecision)]).Append("\r\n");
        csv.Append("\r\ncode,system,description,policy,policyTitle\r\n");
        foreach (var item in report.ItemsRequiringPriorAuthorization)
            csv.AppendJoin(',', [CsvField.Of(item.Code), CsvField.Of(item.System), CsvField.Of(item.Description), CsvField.Of(item.PolicyId), CsvField.Of(item.PolicyTitle)]).Append("\r\n");
        return csv.ToString();
    }

    private static string Date(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string N(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    private static string N(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
