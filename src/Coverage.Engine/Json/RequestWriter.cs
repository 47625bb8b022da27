using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

/// <summary>
/// Writes a request back in the contract's JSON, in one canonical form (fixed property order, normalised
/// codes, facts sorted by name): what the case store keeps, hashes for idempotency and re-reads to re-evaluate.
/// </summary>
public static class RequestWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(CoverageRequest request) => JsonScratch.ToString(Options, writer => Write(writer, request));

    private static void Write(Utf8JsonWriter writer, CoverageRequest request)
    {
        writer.WriteStartObject();
        if (request.RequestId is not null) writer.WriteString("requestId", request.RequestId);
        writer.WriteString("kind", request.Kind.ToWire());
        writer.WriteString("priority", request.Priority.ToWire());
        writer.WriteStartObject("member");
        if (request.Member.Id is not null) writer.WriteString("id", request.Member.Id);
        if (request.Member.BirthDate is { } birth) writer.WriteString("birthDate", Date(birth));
        // Sex and places of service only when stated, so that the canonical form (and its hash) of a request without them is unchanged.
        if (request.Member.Sex is not null) writer.WriteString("sex", request.Member.Sex);
        writer.WriteString("planId", request.Member.PlanId);
        // Only when stated, so that the canonical form (and its hash) of a request without them is unchanged.
        if (request.Member.SocialRiskFactors.Count > 0)
        {
            writer.WriteStartArray("socialRiskFactors");
            foreach (var factor in request.Member.SocialRiskFactors) writer.WriteStringValue(factor);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteString("dateOfService", Date(request.DateOfService));
        if (request.PlaceOfService is not null) writer.WriteString("placeOfService", request.PlaceOfService);
        writer.WriteStartArray("diagnoses");
        foreach (var diagnosis in request.Diagnoses) writer.WriteStringValue(CodeFormats.DisplayIcd10(diagnosis));
        writer.WriteEndArray();
        writer.WriteStartArray("serviceLines");
        foreach (var line in request.ServiceLines)
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", line.Sequence);
            writer.WriteString("code", line.Code);
            if (line.Description is not null) writer.WriteString("description", line.Description);
            // Only when present, so that the canonical form (and its hash) of a request without modifiers is unchanged.
            if (line.Modifiers.Count > 0)
            {
                writer.WriteStartArray("modifiers");
                foreach (var modifier in line.Modifiers) writer.WriteStringValue(modifier);
                writer.WriteEndArray();
            }
            writer.WriteNumber("units", line.Units);
            if (line.UnitOfMeasure == UnitOfMeasure.Minutes) writer.WriteString("unitOfMeasure", "minutes"); // units, the default, are not written
            if (line.DateOfService is { } date) writer.WriteString("dateOfService", Date(date));
            if (line.PlaceOfService is not null) writer.WriteString("placeOfService", line.PlaceOfService);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartObject("clinical");
        foreach (var (name, value) in request.Clinical.All)
        {
            switch (value.Type)
            {
                case FactType.Number: writer.WriteNumber(name, value.Number); break;
                case FactType.Boolean: writer.WriteBoolean(name, value.Boolean); break;
                case FactType.Date: writer.WriteString(name, value.ToString()); break;
                case FactType.List:
                    writer.WriteStartArray(name);
                    foreach (var item in value.Items!) writer.WriteStringValue(item);
                    writer.WriteEndArray();
                    break;
                default: writer.WriteString(name, value.Code); break;
            }
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
