using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Coverage.Cases.Impact;

/// <summary>
/// The impact report as JSON, written field by field so that the same report is the same bytes: dimensions ranked by
/// lines then key, samples in input order, no clock and no timing. Member ids are never written.
/// </summary>
public static class ImpactJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(ImpactReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options)) Write(json, report);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void Write(Utf8JsonWriter json, ImpactReport report)
    {
        json.WriteStartObject();
        Catalogue(json, "baseline", report.Baseline);
        Catalogue(json, "candidate", report.Candidate);
        json.WriteString("input", report.Input);
        json.WriteStartObject("totals");
        json.WriteNumber("records", report.Records);
        json.WriteNumber("rejected", report.Rejected);
        json.WriteNumber("linesCompared", report.LinesCompared);
        json.WriteNumber("linesChanged", report.Changed.Lines);
        json.WriteNumber("billedAffected", report.Changed.Billed);
        json.WriteNumber("linesChangedWithCharge", report.Changed.LinesWithCharge);
        json.WriteNumber("membersAffected", report.Changed.Members);
        json.WriteEndObject();
        foreach (var (name, buckets) in report.Dimensions)
        {
            json.WriteStartArray("by" + char.ToUpperInvariant(name[0]) + name[1..]);
            foreach (var (key, bucket) in ImpactReport.Ranked(buckets))
            {
                json.WriteStartObject();
                json.WriteString("key", key);
                json.WriteNumber("lines", bucket.Lines);
                json.WriteNumber("billed", bucket.Billed);
                json.WriteNumber("linesWithCharge", bucket.LinesWithCharge);
                json.WriteNumber("members", bucket.Members);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteStartArray("samples");
        foreach (var (transition, _) in ImpactReport.Ranked(report.ByTransition))
        {
            json.WriteStartObject();
            json.WriteString("transition", transition);
            json.WriteStartArray("lines");
            foreach (var line in report.Samples[transition]) Line(json, line);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("rejected");
        json.WriteNumber("count", report.Rejected);
        json.WriteStartArray("sample");
        foreach (var rejected in report.RejectedSample)
        {
            json.WriteStartObject();
            json.WriteString("position", rejected.Position);
            json.WriteString("id", rejected.Id);
            Strings(json, "errors", rejected.Errors);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Catalogue(Utf8JsonWriter json, string name, ImpactCatalogue catalogue)
    {
        json.WriteStartObject(name);
        json.WriteString("name", catalogue.Name);
        json.WriteString("digest", catalogue.Digest);
        json.WriteEndObject();
    }

    private static void Line(Utf8JsonWriter json, ImpactLine line)
    {
        json.WriteStartObject();
        json.WriteString("id", line.Id);
        json.WriteString("position", line.Position);
        json.WriteNumber("sequence", line.Sequence);
        json.WriteString("code", line.Code);
        json.WriteString("dateOfService", line.DateOfService.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WriteString("plan", line.Plan);
        if (line.Charge is { } charge) json.WriteNumber("charge", charge);
        else json.WriteNull("charge");
        Strings(json, "changes", line.Changes);
        Side(json, "before", line.Before);
        Side(json, "after", line.After);
        json.WriteEndObject();
    }

    private static void Side(Utf8JsonWriter json, string name, ImpactSide side)
    {
        json.WriteStartObject(name);
        json.WriteString("outcome", side.Outcome);
        json.WriteString("policy", side.Policy);
        json.WriteString("modality", side.Modality);
        json.WriteString("rule", side.Rule);
        Strings(json, "reasonCodes", side.ReasonCodes);
        Strings(json, "informationNeeded", side.InformationNeeded);
        Strings(json, "trace", side.Trace);
        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
