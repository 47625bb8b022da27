using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

/// <summary>
/// Writes the determination JSON of request-and-determination.md. Properties are written in one fixed
/// order so that the same request and catalogue always give the same bytes (but for evaluatedAt).
/// <para>A batch writes millions of these: property names and enumeration values are pre-encoded (they are plain
/// ASCII, the same under any encoder), dates are written digit by digit, without format strings, and the long
/// texts of the compiled policies (rationales, citations, trace steps) are escaped and transcoded once
/// (<see cref="SharedTexts"/>).</para>
/// </summary>
public static partial class DeterminationWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonEncodedText RequestId = JsonEncodedText.Encode("requestId");
    private static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome");
    private static readonly JsonEncodedText RequiresPhysicianReview = JsonEncodedText.Encode("requiresPhysicianReview");
    private static readonly JsonEncodedText EvaluatedAt = JsonEncodedText.Encode("evaluatedAt");
    private static readonly JsonEncodedText EngineVersion = JsonEncodedText.Encode("engineVersion");
    private static readonly JsonEncodedText CatalogueDigest = JsonEncodedText.Encode("catalogueDigest");
    private static readonly JsonEncodedText Lines = JsonEncodedText.Encode("lines");
    private static readonly JsonEncodedText Warnings = JsonEncodedText.Encode("warnings");
    private static readonly JsonEncodedText Sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText DateOfService = JsonEncodedText.Encode("dateOfService");
    private static readonly JsonEncodedText Modality = JsonEncodedText.Encode("modality");
    private static readonly JsonEncodedText GovernedBy = JsonEncodedText.Encode("governedBy");
    private static readonly JsonEncodedText Policy = JsonEncodedText.Encode("policy");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
    private static readonly JsonEncodedText RelatedPolicy = JsonEncodedText.Encode("relatedPolicy");
    private static readonly JsonEncodedText ReasonCodes = JsonEncodedText.Encode("reasonCodes");
    private static readonly JsonEncodedText SystemName = JsonEncodedText.Encode("system");
    private static readonly JsonEncodedText Group = JsonEncodedText.Encode("group");
    private static readonly JsonEncodedText Rationale = JsonEncodedText.Encode("rationale");
    private static readonly JsonEncodedText InformationNeeded = JsonEncodedText.Encode("informationNeeded");
    private static readonly JsonEncodedText Citations = JsonEncodedText.Encode("citations");
    private static readonly JsonEncodedText Section = JsonEncodedText.Encode("section");
    private static readonly JsonEncodedText Reference = JsonEncodedText.Encode("reference");
    private static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText Trace = JsonEncodedText.Encode("trace");
    private static readonly JsonEncodedText CriteriaName = JsonEncodedText.Encode("criteria");
    private static readonly JsonEncodedText Result = JsonEncodedText.Encode("result");
    private static readonly JsonEncodedText Facts = JsonEncodedText.Encode("facts");
    private static readonly JsonEncodedText FactsNeeded = JsonEncodedText.Encode("factsNeeded");
    private static readonly JsonEncodedText Fact = JsonEncodedText.Encode("fact");
    private static readonly JsonEncodedText[] CriterionResults = Encoded<CriterionResult>(WireNames.ToCriterionWire);

    private static readonly JsonEncodedText[] LineOutcomes = Encoded<LineOutcome>(WireNames.ToWire);
    private static readonly JsonEncodedText[] RequestOutcomes = Encoded<RequestOutcome>(WireNames.ToWire);
    private static readonly JsonEncodedText[] GoverningSources = Encoded<GoverningSource>(WireNames.ToWire);

    public static string ToJson(Determination determination, bool indented = true) => JsonScratch.ToString(indented ? Indented : Compact, writer => Write(writer, determination));

    /// <summary>The determination as compact UTF-8 JSON, as a case keeps it (no UTF-16 copy on the way to the store).</summary>
    public static Utf8Json ToUtf8Json(Determination determination) => Utf8Json.FromUtf8(JsonScratch.ToBytes(Compact, writer => Write(writer, determination)));

    public static void Write(Utf8JsonWriter writer, Determination determination)
    {
        // Pre-encoded text holds the escaping of one encoder: used only with the one it was made with.
        var texts = ReferenceEquals(writer.Options.Encoder, SharedTexts.Encoder) ? SharedTexts.Instance : null;
        WriteHead(writer, determination);
        for (var i = 0; i < determination.Lines.Count; i++) WriteLine(writer, determination.Lines[i], texts);
        writer.WriteEndArray();
        writer.WriteStartArray(Warnings);
        for (var i = 0; i < determination.Warnings.Count; i++) writer.WriteStringValue(determination.Warnings[i]);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteLine(Utf8JsonWriter writer, LineDetermination line, SharedTexts? texts)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Sequence, line.Sequence);
        writer.WriteString(Code, line.Code);
        writer.WriteString(DateOfService, Date(line.DateOfService, stackalloc byte[10]));
        writer.WriteString(Outcome, LineOutcomes[(int)line.Outcome]);
        writer.WriteString(Modality, line.Modality);
        if (line.GovernedBy is { } source) writer.WriteString(GovernedBy, GoverningSources[(int)source]);
        else writer.WriteNull(GovernedBy);
        if (line.Policy is null) writer.WriteNull(Policy);
        else
        {
            writer.WriteStartObject(Policy);
            writer.WriteString(Id, line.Policy.Id);
            writer.WriteString(Version, line.Policy.Version);
            WriteText(writer, Title, line.Policy.Title, texts);
            writer.WriteEndObject();
        }
        writer.WriteString(RelatedPolicy, line.RelatedPolicy);
        WriteReasonCodes(writer, line.ReasonCodes);
        writer.WriteBoolean(RequiresPhysicianReview, line.RequiresPhysicianReview);
        WriteText(writer, Rationale, line.Rationale, texts);
        writer.WriteStartArray(InformationNeeded);
        for (var i = 0; i < line.InformationNeeded.Count; i++) writer.WriteStringValue(line.InformationNeeded[i]);
        writer.WriteEndArray();
        writer.WriteStartArray(Citations);
        for (var i = 0; i < line.Citations.Count; i++)
        {
            var citation = line.Citations[i];
            writer.WriteStartObject();
            if (citation.Section is not null) writer.WriteString(Section, citation.Section);
            if (citation.Reference is not null) writer.WriteNumber(Reference, citation.Reference.Value);
            WriteText(writer, Text, citation.Text, texts);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (line.FdaLabel is not null) WriteLabel(writer, line.FdaLabel);
        // Present only where the deciding statement has criteria (request-and-determination.md, turn 2).
        if (line.Criteria.Count > 0) WriteCriteria(writer, line.Criteria, texts);
        if (line.FactsNeeded.Count > 0) WriteFactsNeeded(writer, line.FactsNeeded);
        writer.WriteStartArray(Trace);
        for (var i = 0; i < line.Trace.Count; i++)
        {
            if (texts is not null && texts.TryGet(line.Trace[i], out var encoded)) writer.WriteStringValue(encoded);
            else writer.WriteStringValue(line.Trace[i]);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The claim-level fields both forms write, in the contract's order, and the opening of the lines.</summary>
    private static void WriteHead(Utf8JsonWriter writer, Determination determination)
    {
        writer.WriteStartObject();
        writer.WriteString(RequestId, determination.RequestId);
        writer.WriteString(Outcome, RequestOutcomes[(int)determination.Outcome]);
        writer.WriteBoolean(RequiresPhysicianReview, determination.RequiresPhysicianReview);
        writer.WriteString(EvaluatedAt, Timestamp(determination.EvaluatedAt.UtcDateTime, stackalloc byte[24]));
        writer.WriteString(EngineVersion, determination.EngineVersion);
        writer.WriteString(CatalogueDigest, determination.CatalogueDigest);
        writer.WriteStartArray(Lines);
    }

    private static void WriteReasonCodes(Utf8JsonWriter writer, IReadOnlyList<ReasonCode> reasons)
    {
        writer.WriteStartArray(ReasonCodes);
        for (var i = 0; i < reasons.Count; i++)
        {
            var reason = reasons[i];
            writer.WriteStartObject();
            writer.WriteString(SystemName, reason.System);
            writer.WriteString(Code, reason.Code);
            if (reason.Group is not null) writer.WriteString(Group, reason.Group);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteCriteria(Utf8JsonWriter writer, IReadOnlyList<CriterionFinding> criteria, SharedTexts? texts)
    {
        writer.WriteStartArray(CriteriaName);
        for (var i = 0; i < criteria.Count; i++)
        {
            var criterion = criteria[i];
            writer.WriteStartObject();
            writer.WriteString(Id, criterion.Id);
            WriteText(writer, Text, criterion.Text, texts);
            writer.WriteString(Section, criterion.Section);
            writer.WriteString(Result, CriterionResults[(int)criterion.Result]);
            writer.WriteStartArray(Facts);
            for (var j = 0; j < criterion.Facts.Count; j++) writer.WriteStringValue(criterion.Facts[j]);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteFactsNeeded(Utf8JsonWriter writer, IReadOnlyList<FactNeeded> facts)
    {
        writer.WriteStartArray(FactsNeeded);
        for (var i = 0; i < facts.Count; i++)
        {
            var fact = facts[i];
            writer.WriteStartObject();
            writer.WriteString(Fact, fact.Fact);
            writer.WriteString("type", fact.Type);
            if (fact.Unit is not null) writer.WriteString("unit", fact.Unit);
            if (fact.Values.Count > 0)
            {
                writer.WriteStartArray("values");
                for (var j = 0; j < fact.Values.Count; j++) writer.WriteStringValue(fact.Values[j]);
                writer.WriteEndArray();
            }
            writer.WriteString("documentation", fact.Documentation);
            writer.WriteStartArray(CriteriaName);
            for (var j = 0; j < fact.Criteria.Count; j++) writer.WriteStringValue(fact.Criteria[j]);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteLabel(Utf8JsonWriter writer, FdaLabelAssessment label)
    {
        writer.WriteStartObject("fdaLabel");
        writer.WriteString("device", label.Device);
        writer.WriteString("manufacturer", label.Manufacturer);
        writer.WriteString("authorization", label.Authorization);
        writer.WriteString("productCode", label.ProductCode);
        if (label.DecisionDate is { } decided) writer.WriteString("decisionDate", Date(decided, stackalloc byte[10]));
        else writer.WriteNull("decisionDate");
        writer.WriteString("status", label.Status.ToWire());
        writer.WriteStartArray("criteria");
        for (var i = 0; i < label.Criteria.Count; i++)
        {
            var criterion = label.Criteria[i];
            writer.WriteStartObject();
            writer.WriteString("id", criterion.Id);
            writer.WriteString("text", criterion.Text);
            writer.WriteString("result", criterion.Result.ToWire());
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("unmet");
        for (var i = 0; i < label.Unmet.Count; i++) writer.WriteStringValue(label.Unmet[i]);
        writer.WriteEndArray();
        writer.WriteStartArray("unknown");
        for (var i = 0; i < label.Unknown.Count; i++) writer.WriteStringValue(label.Unknown[i]);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter writer, JsonEncodedText name, string text, SharedTexts? texts)
    {
        if (texts is not null && texts.TryGet(text, out var encoded)) writer.WriteString(name, encoded);
        else writer.WriteString(name, text);
    }

    /// <summary>YYYY-MM-DD as UTF-8, in <paramref name="utf8"/> (ten bytes).</summary>
    private static ReadOnlySpan<byte> Date(DateOnly date, Span<byte> utf8)
    {
        IsoDate.Write(utf8, date);
        return utf8;
    }

    /// <summary>What the format yyyy-MM-dd'T'HH:mm:ss.fff'Z' writes (milliseconds cut, not rounded), as UTF-8 in 24 bytes.</summary>
    private static ReadOnlySpan<byte> Timestamp(DateTime utc, Span<byte> utf8)
    {
        IsoDate.Write(utf8, DateOnly.FromDateTime(utc));
        utf8[10] = (byte)'T';
        Two(utf8[11..], utc.Hour);
        utf8[13] = (byte)':';
        Two(utf8[14..], utc.Minute);
        utf8[16] = (byte)':';
        Two(utf8[17..], utc.Second);
        utf8[19] = (byte)'.';
        var millisecond = utc.Millisecond;
        utf8[20] = (byte)('0' + millisecond / 100);
        Two(utf8[21..], millisecond % 100);
        utf8[23] = (byte)'Z';
        return utf8;
    }

    private static void Two(Span<byte> utf8, int value)
    {
        utf8[0] = (byte)('0' + value / 10);
        utf8[1] = (byte)('0' + value % 10);
    }

    private static JsonEncodedText[] Encoded<T>(Func<T, string> wire) where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => JsonEncodedText.Encode(wire(v))).ToArray();

    /// <summary>
    /// The long texts determinations share, escaped and transcoded once. A compiled policy's rationales, citations
    /// and trace steps are the same string instances in every determination that uses them (2-3 KB rationales
    /// among them), so they are looked up by reference. Texts made for one request are mostly short and stay out
    /// (<see cref="MinLength"/>); the cache is bounded (<see cref="Capacity"/>): once it is full, texts not in it
    /// are written as they always were.
    /// </summary>
    private sealed class SharedTexts
    {
        public const int MinLength = 256;
        public const int Capacity = 1024;

        public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        public static readonly SharedTexts Instance = new();

        private readonly ConcurrentDictionary<string, JsonEncodedText> _encoded = new(ReferenceEqualityComparer.Instance);
        private int _count;

        public bool TryGet(string text, out JsonEncodedText encoded)
        {
            encoded = default;
            if (text.Length < MinLength) return false;
            if (_encoded.TryGetValue(text, out encoded)) return true;
            if (Volatile.Read(ref _count) >= Capacity) return false;
            encoded = JsonEncodedText.Encode(text, Encoder);
            if (_encoded.TryAdd(text, encoded)) Interlocked.Increment(ref _count);
            return true;
        }
    }
}
