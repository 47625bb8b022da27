using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Text;

namespace Coverage.Claims.Batch;

/// <summary>The three outputs' record formats (docs/batch.md): determinations, line adjustments, rejected records.</summary>
public static class ResultFormats
{
    /// <summary>The header of the adjustments CSV: one row per decided line, as an 835's SVC/CAS/LQ would carry it.</summary>
    public const string AdjustmentsHeader = "claim_id,line,code,outcome,group_code,carc,rarc,policy_id,policy_version,physician_review,related_policy,claim_frequency,original_claim";

    internal static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The determination as one line of NDJSON: the JSON of request-and-determination.md without indentation, or
    /// with <see cref="ResultsMode.Compact"/> its compact form (<see cref="DeterminationWriter.WriteCompact"/>).
    /// </summary>
    internal static void WriteResult(Utf8JsonWriter json, IBufferWriter<byte> output, Determination determination, ResultsMode mode = ResultsMode.Full)
    {
        json.Reset(output);
        if (mode == ResultsMode.Compact) DeterminationWriter.WriteCompact(json, determination);
        else DeterminationWriter.Write(json, determination);
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>
    /// One CSV row per line: group code and CARC (several joined by ';'; each group once), RARC, the policy version
    /// applied. Written as UTF-8 straight into the batch's buffer: a batch writes a row for every line it decides.
    /// </summary>
    internal static void WriteAdjustments(IBufferWriter<byte> csv, Determination determination,
        ClaimFrequency frequency = ClaimFrequency.Original, string? originalClaim = null)
    {
        // A replacement's rows name the payer's claim they supersede (837P REF*F8), as an 835 would carry it.
        var claimFrequency = frequency == ClaimFrequency.Replacement ? "replacement" : "original";
        var original = CsvField.Of(originalClaim ?? "");
        var claimId = CsvField.Of(determination.RequestId ?? "");
        for (var l = 0; l < determination.Lines.Count; l++)
        {
            var line = determination.Lines[l];
            csv.WriteText(claimId).Write(","u8);
            var sequence = csv.GetSpan(11);
            line.Sequence.TryFormat(sequence, out var digits, default, CultureInfo.InvariantCulture);
            csv.Advance(digits);
            csv.Write(","u8).WriteText(line.Code).Write(","u8).WriteText(line.Outcome.ToWire()).Write(","u8);
            WriteCodes(csv, line.ReasonCodes, "CARC", groups: true);
            csv.Write(","u8);
            WriteCodes(csv, line.ReasonCodes, "CARC", groups: false);
            csv.Write(","u8);
            WriteCodes(csv, line.ReasonCodes, "RARC", groups: false);
            // A line no policy governs names none: the policy that looked at it and left it did not apply. A related
            // coverage resource that addresses it instead is named in the last column.
            var applied = line.Outcome == LineOutcome.NotAddressed ? null : line.Policy;
            csv.Write(","u8).WriteText(CsvField.Of(applied?.Id ?? "")).Write(","u8).WriteText(CsvField.Of(applied?.Version ?? "")).Write(","u8)
                .Write(line.RequiresPhysicianReview ? "true,"u8 : "false,"u8).WriteText(CsvField.Of(line.RelatedPolicy ?? "")).Write(","u8)
                .WriteText(claimFrequency).Write(","u8).WriteText(original).Write("\n"u8);
        }
    }

    /// <summary>The codes of one system joined by ';' (or their groups, each once, in order of first use).</summary>
    private static void WriteCodes(IBufferWriter<byte> csv, IReadOnlyList<ReasonCode> reasons, string system, bool groups)
    {
        var written = 0;
        for (var i = 0; i < reasons.Count; i++)
        {
            var reason = reasons[i];
            if (reason.System != system) continue;
            if (groups && Seen(reasons, i, system)) continue;
            if (written++ > 0) csv.Write(";"u8);
            csv.WriteText(groups ? reason.Group ?? "" : reason.Code);
        }
    }

    /// <summary>Whether a reason before <paramref name="index"/> of the same system has the same group.</summary>
    private static bool Seen(IReadOnlyList<ReasonCode> reasons, int index, string system)
    {
        for (var i = 0; i < index; i++)
            if (reasons[i].System == system && reasons[i].Group == reasons[index].Group) return true;
        return false;
    }

    /// <summary>
    /// A void or an encounter in the results, in place of a determination: the claim id, what it is, the payer's
    /// claim a void withdraws (REF*F8) where given, and that nothing was decided.
    /// </summary>
    internal static void WriteNotDecided(Utf8JsonWriter json, IBufferWriter<byte> output, ClaimRecord record)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteString("requestId", record.ClaimId);
        json.WriteString("claimFrequency", record.Frequency switch
        {
            ClaimFrequency.Void => "void",
            ClaimFrequency.Replacement => "replacement",
            _ => "original",
        });
        if (record.OriginalClaim is not null) json.WriteString("originalClaim", record.OriginalClaim);
        json.WriteBoolean("encounter", record.Encounter);
        json.WriteBoolean("decided", false);
        json.WriteString("reason", record.Frequency == ClaimFrequency.Void
            ? "a void (CLM05-3 8) withdraws the payer's claim it names; nothing is decided"
            : "an encounter (BHT06 RP) is reported for the record, not billed; it is not decided for payment");
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
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

    /// <summary>
    /// A rejected claim past the records the errors file holds in full (<see cref="ErrorsOutput"/>): its number in the
    /// input, its claim id and where it begins; no reasons.
    /// </summary>
    internal static void WriteBriefError(Utf8JsonWriter json, IBufferWriter<byte> output, long record, string? claimId, RecordPosition position)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("record", record);
        json.WriteString("claimId", claimId);
        json.WriteNumber(Unit(position), position.Number);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>
    /// Consecutive rejected records without a claim id past those held in full (<see cref="ErrorsOutput"/>): the first
    /// and last record and where each is; every record from the one to the other was rejected.
    /// </summary>
    internal static void WriteErrorRange(Utf8JsonWriter json, IBufferWriter<byte> output, long first, RecordPosition firstAt, long last, RecordPosition lastAt)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("record", first);
        json.WriteNull("claimId");
        json.WriteNumber(Unit(firstAt), firstAt.Number);
        json.WriteNumber("toRecord", last);
        json.WriteNumber(lastAt.Unit == PositionUnit.Segment ? "toSegment" : "toLine", lastAt.Number);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static string Unit(RecordPosition position) => position.Unit == PositionUnit.Segment ? "segment" : "line";

    internal static IBufferWriter<byte> Write(this IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
        return output;
    }

    /// <summary>The text as UTF-8.</summary>
    internal static IBufferWriter<byte> WriteText(this IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
        return output;
    }
}
