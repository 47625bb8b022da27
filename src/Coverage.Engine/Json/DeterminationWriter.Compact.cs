using System.Text.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

public static partial class DeterminationWriter
{
    /// <summary>
    /// The compact determination of a batch's <c>--results compact</c> (docs/batch.md): what a claims system acts on,
    /// under the same names and in the same order as the full determination, so a consumer reads either. Per claim:
    /// requestId, outcome, requiresPhysicianReview, evaluatedAt, engineVersion, catalogueDigest, lines, warnings.
    /// Per line: sequence, code, outcome, policy (id and version; null on a not-addressed line, which no policy
    /// governs), relatedPolicy, reasonCodes, requiresPhysicianReview, informationNeeded, and factsNeeded when the line
    /// has any. Left out: the date of service, modality, governedBy, the policy title, rationale, citations, the FDA
    /// label assessment, criteria and trace — the texts that make a full determination several kilobytes.
    /// </summary>
    public static void WriteCompact(Utf8JsonWriter writer, Determination determination)
    {
        WriteHead(writer, determination);
        for (var i = 0; i < determination.Lines.Count; i++) WriteCompactLine(writer, determination.Lines[i]);
        writer.WriteEndArray();
        writer.WriteStartArray(Warnings);
        for (var i = 0; i < determination.Warnings.Count; i++) writer.WriteStringValue(determination.Warnings[i]);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCompactLine(Utf8JsonWriter writer, LineDetermination line)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Sequence, line.Sequence);
        writer.WriteString(Code, line.Code);
        writer.WriteString(Outcome, LineOutcomes[(int)line.Outcome]);
        // As the adjustments CSV: the policy that looked at a not-addressed line and left it did not apply to it.
        var applied = line.Outcome == LineOutcome.NotAddressed ? null : line.Policy;
        if (applied is null) writer.WriteNull(Policy);
        else
        {
            writer.WriteStartObject(Policy);
            writer.WriteString(Id, applied.Id);
            writer.WriteString(Version, applied.Version);
            writer.WriteEndObject();
        }
        writer.WriteString(RelatedPolicy, line.RelatedPolicy);
        WriteReasonCodes(writer, line.ReasonCodes);
        writer.WriteBoolean(RequiresPhysicianReview, line.RequiresPhysicianReview);
        writer.WriteStartArray(InformationNeeded);
        for (var i = 0; i < line.InformationNeeded.Count; i++) writer.WriteStringValue(line.InformationNeeded[i]);
        writer.WriteEndArray();
        if (line.FactsNeeded.Count > 0) WriteFactsNeeded(writer, line.FactsNeeded);
        writer.WriteEndObject();
    }
}
