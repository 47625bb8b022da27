using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Claims.Batch;

/// <summary>The three outputs' record formats (docs/batch.md): determinations, line adjustments, rejected records.</summary>
public static class ResultFormats
{
    /// <summary>The header of the adjustments CSV: one row per decided line, as an 835's SVC/CAS/LQ would carry it.</summary>
    public const string AdjustmentsHeader = "claim_id,line,code,outcome,group_code,carc,rarc,policy_id,policy_version,physician_review";

    internal static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The determination as one line of NDJSON: the JSON of request-and-determination.md, compact.</summary>
    internal static void WriteResult(Utf8JsonWriter json, IBufferWriter<byte> output, Determination determination)
    {
        json.Reset(output);
        DeterminationWriter.Write(json, determination);
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>One CSV row per line: group code and CARC (several joined by ';'), RARC, the policy version applied.</summary>
    internal static void WriteAdjustments(StringBuilder csv, Determination determination)
    {
        foreach (var line in determination.Lines)
        {
            var carcs = line.ReasonCodes.Where(r => r.System == "CARC").ToList();
            csv.Append(Csv(determination.RequestId ?? "")).Append(',')
                .Append(line.Sequence.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(line.Code).Append(',')
                .Append(line.Outcome.ToWire()).Append(',')
                .Append(string.Join(';', carcs.Select(r => r.Group).Distinct())).Append(',')
                .Append(string.Join(';', carcs.Select(r => r.Code))).Append(',')
                .Append(string.Join(';', line.ReasonCodes.Where(r => r.System == "RARC").Select(r => r.Code))).Append(',')
                .Append(Csv(line.Policy?.Id ?? "")).Append(',')
                .Append(Csv(line.Policy?.Version ?? "")).Append(',')
                .Append(line.RequiresPhysicianReview ? "true" : "false")
                .Append('\n');
        }
    }

    /// <summary>
    /// A rejected record as one JSON line: its number in the input (from 1), its claim id, where its first problem
    /// is (segment or line), that problem's field and reason, and every problem.
    /// </summary>
    internal static void WriteError(Utf8JsonWriter json, IBufferWriter<byte> output, long record, string? claimId, IReadOnlyList<RecordError> errors)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("record", record);
        json.WriteString("claimId", claimId);
        var first = errors[0];
        json.WriteNumber(Unit(first.Position), first.Position.Number);
        json.WriteString("field", first.Field);
        json.WriteString("reason", first.Message);
        json.WriteStartArray("errors");
        foreach (var error in errors)
        {
            json.WriteStartObject();
            json.WriteNumber(Unit(error.Position), error.Position.Number);
            json.WriteString("field", error.Field);
            json.WriteString("reason", error.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static string Unit(RecordPosition position) => position.Unit == PositionUnit.Segment ? "segment" : "line";

    internal static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static void Write(this IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    internal static void Write(this IBufferWriter<byte> output, StringBuilder text)
    {
        var value = text.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        output.Advance(Encoding.UTF8.GetBytes(value, span));
    }
}
