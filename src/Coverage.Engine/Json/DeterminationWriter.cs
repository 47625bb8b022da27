using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

/// <summary>
/// Writes the determination JSON of request-and-determination.md. Properties are written in one fixed
/// order so that the same request and catalogue always give the same bytes (but for evaluatedAt).
/// </summary>
public static class DeterminationWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(Determination determination, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, indented ? Indented : Compact))
            Write(writer, determination);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static void Write(Utf8JsonWriter writer, Determination determination)
    {
        writer.WriteStartObject();
        writer.WriteString("requestId", determination.RequestId);
        writer.WriteString("outcome", determination.Outcome.ToWire());
        writer.WriteBoolean("requiresPhysicianReview", determination.RequiresPhysicianReview);
        writer.WriteString("evaluatedAt", determination.EvaluatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("engineVersion", determination.EngineVersion);
        writer.WriteString("catalogueDigest", determination.CatalogueDigest);
        writer.WriteStartArray("lines");
        foreach (var line in determination.Lines) WriteLine(writer, line);
        writer.WriteEndArray();
        writer.WriteStartArray("warnings");
        foreach (var warning in determination.Warnings) writer.WriteStringValue(warning);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteLine(Utf8JsonWriter writer, LineDetermination line)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", line.Sequence);
        writer.WriteString("code", line.Code);
        writer.WriteString("dateOfService", Date(line.DateOfService));
        writer.WriteString("outcome", line.Outcome.ToWire());
        writer.WriteString("modality", line.Modality);
        writer.WriteString("governedBy", line.GovernedBy?.ToWire());
        if (line.Policy is null) writer.WriteNull("policy");
        else
        {
            writer.WriteStartObject("policy");
            writer.WriteString("id", line.Policy.Id);
            writer.WriteString("version", line.Policy.Version);
            writer.WriteString("title", line.Policy.Title);
            writer.WriteEndObject();
        }
        writer.WriteString("relatedPolicy", line.RelatedPolicy);
        writer.WriteStartArray("reasonCodes");
        foreach (var reason in line.ReasonCodes)
        {
            writer.WriteStartObject();
            writer.WriteString("system", reason.System);
            writer.WriteString("code", reason.Code);
            if (reason.Group is not null) writer.WriteString("group", reason.Group);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteBoolean("requiresPhysicianReview", line.RequiresPhysicianReview);
        writer.WriteString("rationale", line.Rationale);
        writer.WriteStartArray("informationNeeded");
        foreach (var item in line.InformationNeeded) writer.WriteStringValue(item);
        writer.WriteEndArray();
        writer.WriteStartArray("citations");
        foreach (var citation in line.Citations)
        {
            writer.WriteStartObject();
            if (citation.Section is not null) writer.WriteString("section", citation.Section);
            if (citation.Reference is not null) writer.WriteNumber("reference", citation.Reference.Value);
            writer.WriteString("text", citation.Text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (line.FdaLabel is not null) WriteLabel(writer, line.FdaLabel);
        writer.WriteStartArray("trace");
        foreach (var step in line.Trace) writer.WriteStringValue(step);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteLabel(Utf8JsonWriter writer, FdaLabelAssessment label)
    {
        writer.WriteStartObject("fdaLabel");
        writer.WriteString("device", label.Device);
        writer.WriteString("manufacturer", label.Manufacturer);
        writer.WriteString("authorization", label.Authorization);
        writer.WriteString("productCode", label.ProductCode);
        writer.WriteString("decisionDate", label.DecisionDate is { } d ? Date(d) : null);
        writer.WriteString("status", label.Status.ToWire());
        writer.WriteStartArray("criteria");
        foreach (var criterion in label.Criteria)
        {
            writer.WriteStartObject();
            writer.WriteString("id", criterion.Id);
            writer.WriteString("text", criterion.Text);
            writer.WriteString("result", criterion.Result.ToWire());
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("unmet");
        foreach (var id in label.Unmet) writer.WriteStringValue(id);
        writer.WriteEndArray();
        writer.WriteStartArray("unknown");
        foreach (var id in label.Unknown) writer.WriteStringValue(id);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
