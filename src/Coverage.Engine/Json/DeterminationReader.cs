using System.Globalization;
using System.Text.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Engine.Json;

/// <summary>
/// Reads the determination JSON that <see cref="DeterminationWriter"/> writes (the full form, indented or not) back into
/// the <see cref="Determination"/> it was written from, so that a stored case is read in one place and everything after
/// works on the typed model: <c>DeterminationWriter.ToJson(Read(json))</c> gives the same bytes as the JSON read.
/// <para>Strict, as a record should be read: a missing required field, a wrong type, an enumeration value or a field
/// the contract does not have is a <see cref="DeterminationReadException"/> naming the path, never a default. The
/// fields the writer leaves out when empty (a line's criteria, factsNeeded and fdaLabel; a citation's section or
/// reference; a reason's group; a fact's unit and values) are optional.</para>
/// </summary>
public static class DeterminationReader
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    private static readonly Dictionary<string, RequestOutcome> RequestOutcomes = Wire<RequestOutcome>(WireNames.ToWire);
    private static readonly Dictionary<string, LineOutcome> LineOutcomes = Wire<LineOutcome>(WireNames.ToWire);
    private static readonly Dictionary<string, GoverningSource> GoverningSources = Wire<GoverningSource>(WireNames.ToWire);
    private static readonly Dictionary<string, FdaLabelStatus> LabelStatuses = Wire<FdaLabelStatus>(WireNames.ToWire);
    // A line's criteria say "not-met"; the FDA label's criteria say "unmet" (request-and-determination.md).
    private static readonly Dictionary<string, CriterionResult> FindingResults = Wire<CriterionResult>(WireNames.ToCriterionWire);
    private static readonly Dictionary<string, CriterionResult> LabelResults = Wire<CriterionResult>(WireNames.ToWire);

    public static Determination Read(string json)
    {
        using var document = Parse(() => JsonDocument.Parse(json, Options));
        return Read(document.RootElement);
    }

    public static Determination Read(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = Parse(() => JsonDocument.Parse(utf8Json, Options));
        return Read(document.RootElement);
    }

    /// <summary>The determination a case keeps (read from its bytes).</summary>
    public static Determination Read(Utf8Json json) => Read(json.Utf8);

    /// <summary>The determination of a parsed document, for a caller that holds one already.</summary>
    public static Determination Read(JsonElement root)
    {
        try
        {
            return Determination(root);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json checks a string's Unicode only when it is read.
            throw new DeterminationReadException("$", "holds a string that is not valid Unicode", e);
        }
    }

    /// <summary>
    /// Each line's sequence, outcome, physician-review flag and deciding policy, in the determination's order, without
    /// reading the rest of the line: for the workflow checks a case makes on every decision and addition of
    /// information, and for counting determinations.
    /// </summary>
    public static IReadOnlyList<DeterminationLineSummary> ReadLineSummaries(string json)
    {
        using var document = Parse(() => JsonDocument.Parse(json, Options));
        return LineSummaries(document.RootElement);
    }

    /// <inheritdoc cref="ReadLineSummaries(string)"/>
    public static IReadOnlyList<DeterminationLineSummary> ReadLineSummaries(Utf8Json json)
    {
        using var document = Parse(() => JsonDocument.Parse(json.Utf8, Options));
        return LineSummaries(document.RootElement);
    }

    private static List<DeterminationLineSummary> LineSummaries(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        if (!root.TryGetProperty("lines", out var lines)) throw Missing("lines");
        Expect(lines, JsonValueKind.Array, "lines");
        var summaries = new List<DeterminationLineSummary>(lines.GetArrayLength());
        var index = 0;
        foreach (var line in lines.EnumerateArray())
        {
            var path = Item("lines", index++);
            Expect(line, JsonValueKind.Object, path);
            summaries.Add(new DeterminationLineSummary(
                Int(Required(line, "sequence", path), Dot(path, "sequence")),
                Enum(Required(line, "outcome", path), Dot(path, "outcome"), LineOutcomes),
                Bool(Required(line, "requiresPhysicianReview", path), Dot(path, "requiresPhysicianReview")),
                Required(line, "policy", path) is { ValueKind: not JsonValueKind.Null } policy ? Policy(policy, Dot(path, "policy")).Id : null));
        }
        return summaries;
    }

    private static JsonDocument Parse(Func<JsonDocument> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException e)
        {
            throw new DeterminationReadException("$", $"not valid JSON ({e.Message})", e);
        }
    }

    private static Determination Determination(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        var fields = new Fields("$");
        string? requestId = null, engineVersion = null, catalogueDigest = null;
        RequestOutcome outcome = default;
        var review = false;
        DateTimeOffset evaluatedAt = default;
        List<LineDetermination>? lines = null;
        List<string>? warnings = null;
        foreach (var property in root.EnumerateObject())
        {
            var path = property.Name;
            var value = property.Value;
            switch (fields.See(property.Name, DeterminationFields))
            {
                case 0: requestId = NullableString(value, path); break;
                case 1: outcome = Enum(value, path, RequestOutcomes); break;
                case 2: review = Bool(value, path); break;
                case 3: evaluatedAt = Timestamp(value, path); break;
                case 4: engineVersion = String(value, path); break;
                case 5: catalogueDigest = NullableString(value, path); break;
                case 6: lines = List(value, path, Line); break;
                case 7: warnings = Strings(value, path); break;
            }
        }
        fields.Require("requestId", "outcome", "requiresPhysicianReview", "evaluatedAt", "engineVersion", "catalogueDigest", "lines", "warnings");
        return new Determination
        {
            RequestId = requestId,
            Outcome = outcome,
            RequiresPhysicianReview = review,
            EvaluatedAt = evaluatedAt,
            EngineVersion = engineVersion!,
            CatalogueDigest = catalogueDigest,
            Lines = lines!,
            Warnings = warnings!,
        };
    }

    private static readonly string[] DeterminationFields = ["requestId", "outcome", "requiresPhysicianReview", "evaluatedAt", "engineVersion", "catalogueDigest", "lines", "warnings"];
    private static readonly string[] PolicyFields = ["id", "version", "title"];
    private static readonly string[] ReasonFields = ["system", "code", "group"];
    private static readonly string[] CitationFields = ["section", "reference", "text"];
    private static readonly string[] FindingFields = ["id", "text", "section", "result", "facts"];
    private static readonly string[] FactNeededFields = ["fact", "type", "unit", "values", "documentation", "criteria"];
    private static readonly string[] LabelFields = ["device", "manufacturer", "authorization", "productCode", "decisionDate", "status", "criteria", "unmet", "unknown"];
    private static readonly string[] AssessmentFields = ["id", "text", "result"];
    private static readonly string[] LineFields =
        ["sequence", "code", "dateOfService", "outcome", "modality", "governedBy", "policy", "relatedPolicy", "reasonCodes", "requiresPhysicianReview",
         "rationale", "informationNeeded", "citations", "fdaLabel", "criteria", "factsNeeded", "trace"];

    private static LineDetermination Line(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        int sequence = 0;
        string? code = null, modality = null, relatedPolicy = null, rationale = null;
        DateOnly dateOfService = default;
        LineOutcome outcome = default;
        GoverningSource? governedBy = null;
        PolicyReference? policy = null;
        List<ReasonCode>? reasons = null;
        var review = false;
        List<string>? informationNeeded = null, trace = null;
        List<Citation>? citations = null;
        FdaLabelAssessment? label = null;
        List<CriterionFinding>? criteria = null;
        List<FactNeeded>? factsNeeded = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            var value = property.Value;
            switch (fields.See(property.Name, LineFields))
            {
                case 0: sequence = Int(value, path); break;
                case 1: code = String(value, path); break;
                case 2: dateOfService = Date(value, path); break;
                case 3: outcome = Enum(value, path, LineOutcomes); break;
                case 4: modality = NullableString(value, path); break;
                case 5: governedBy = value.ValueKind == JsonValueKind.Null ? null : Enum(value, path, GoverningSources); break;
                case 6: policy = value.ValueKind == JsonValueKind.Null ? null : Policy(value, path); break;
                case 7: relatedPolicy = NullableString(value, path); break;
                case 8: reasons = List(value, path, Reason); break;
                case 9: review = Bool(value, path); break;
                case 10: rationale = String(value, path); break;
                case 11: informationNeeded = Strings(value, path); break;
                case 12: citations = List(value, path, Citation); break;
                case 13: label = Label(value, path); break;
                case 14: criteria = List(value, path, Finding); break;
                case 15: factsNeeded = List(value, path, FactNeeded); break;
                case 16: trace = Strings(value, path); break;
            }
        }
        fields.Require("sequence", "code", "dateOfService", "outcome", "modality", "governedBy", "policy", "relatedPolicy", "reasonCodes",
            "requiresPhysicianReview", "rationale", "informationNeeded", "citations", "trace");
        return new LineDetermination
        {
            Sequence = sequence,
            Code = code!,
            DateOfService = dateOfService,
            Outcome = outcome,
            Modality = modality,
            GovernedBy = governedBy,
            Policy = policy,
            RelatedPolicy = relatedPolicy,
            ReasonCodes = reasons!,
            RequiresPhysicianReview = review,
            Rationale = rationale!,
            InformationNeeded = informationNeeded!,
            Citations = citations!,
            FdaLabel = label,
            Criteria = criteria ?? [],
            FactsNeeded = factsNeeded ?? [],
            Trace = trace!,
        };
    }

    private static PolicyReference Policy(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? id = null, version = null, title = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            switch (fields.See(property.Name, PolicyFields))
            {
                case 0: id = String(property.Value, path); break;
                case 1: version = String(property.Value, path); break;
                case 2: title = String(property.Value, path); break;
            }
        }
        fields.Require("id", "version", "title");
        return new PolicyReference(id!, version!, title!);
    }

    private static ReasonCode Reason(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? system = null, code = null, group = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            switch (fields.See(property.Name, ReasonFields))
            {
                case 0: system = String(property.Value, path); break;
                case 1: code = String(property.Value, path); break;
                case 2: group = String(property.Value, path); break;
            }
        }
        fields.Require("system", "code");
        return new ReasonCode(system!, code!, group);
    }

    private static Citation Citation(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? section = null, text = null;
        int? reference = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            switch (fields.See(property.Name, CitationFields))
            {
                case 0: section = String(property.Value, path); break;
                case 1: reference = Int(property.Value, path); break;
                case 2: text = String(property.Value, path); break;
            }
        }
        fields.Require("text");
        return new Citation { Section = section, Reference = reference, Text = text! };
    }

    private static CriterionFinding Finding(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? id = null, text = null, section = null;
        CriterionResult result = default;
        List<string>? facts = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            switch (fields.See(property.Name, FindingFields))
            {
                case 0: id = String(property.Value, path); break;
                case 1: text = String(property.Value, path); break;
                case 2: section = String(property.Value, path); break;
                case 3: result = Enum(property.Value, path, FindingResults); break;
                case 4: facts = Strings(property.Value, path); break;
            }
        }
        fields.Require("id", "text", "section", "result", "facts");
        return new CriterionFinding(id!, text!, section!, result, facts!);
    }

    private static FactNeeded FactNeeded(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? fact = null, type = null, unit = null, documentation = null;
        List<string>? values = null, criteria = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            switch (fields.See(property.Name, FactNeededFields))
            {
                case 0: fact = String(property.Value, path); break;
                case 1: type = String(property.Value, path); break;
                case 2: unit = String(property.Value, path); break;
                case 3: values = Strings(property.Value, path); break;
                case 4: documentation = String(property.Value, path); break;
                case 5: criteria = Strings(property.Value, path); break;
            }
        }
        fields.Require("fact", "type", "documentation", "criteria");
        return new FactNeeded(fact!, type!, unit, values ?? [], documentation!, criteria!);
    }

    private static FdaLabelAssessment Label(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? device = null, manufacturer = null, authorization = null, productCode = null;
        DateOnly? decisionDate = null;
        FdaLabelStatus status = default;
        List<CriterionAssessment>? criteria = null;
        List<string>? unmet = null, unknown = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            var value = property.Value;
            switch (fields.See(property.Name, LabelFields))
            {
                case 0: device = NullableString(value, path); break;
                case 1: manufacturer = NullableString(value, path); break;
                case 2: authorization = NullableString(value, path); break;
                case 3: productCode = NullableString(value, path); break;
                case 4: decisionDate = value.ValueKind == JsonValueKind.Null ? null : Date(value, path); break;
                case 5: status = Enum(value, path, LabelStatuses); break;
                case 6: criteria = List(value, path, Assessment); break;
                case 7: unmet = Strings(value, path); break;
                case 8: unknown = Strings(value, path); break;
            }
        }
        fields.Require("device", "manufacturer", "authorization", "productCode", "decisionDate", "status", "criteria", "unmet", "unknown");
        return new FdaLabelAssessment
        {
            Device = device,
            Manufacturer = manufacturer,
            Authorization = authorization,
            ProductCode = productCode,
            DecisionDate = decisionDate,
            Status = status,
            Criteria = criteria!,
            Unmet = unmet!,
            Unknown = unknown!,
        };
    }

    private static CriterionAssessment Assessment(JsonElement element, string at)
    {
        Expect(element, JsonValueKind.Object, at);
        var fields = new Fields(at);
        string? id = null, text = null;
        CriterionResult result = default;
        foreach (var property in element.EnumerateObject())
        {
            var path = Dot(at, property.Name);
            switch (fields.See(property.Name, AssessmentFields))
            {
                case 0: id = String(property.Value, path); break;
                case 1: text = String(property.Value, path); break;
                case 2: result = Enum(property.Value, path, LabelResults); break;
            }
        }
        fields.Require("id", "text", "result");
        return new CriterionAssessment(id!, text!, result);
    }

    // ------------------------------------------------------------ values

    private static List<T> List<T>(JsonElement element, string path, Func<JsonElement, string, T> item)
    {
        Expect(element, JsonValueKind.Array, path);
        var list = new List<T>(element.GetArrayLength());
        var index = 0;
        foreach (var value in element.EnumerateArray()) list.Add(item(value, Item(path, index++)));
        return list;
    }

    private static List<string> Strings(JsonElement element, string path) => List(element, path, String);

    private static string String(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.String, path);
        return element.GetString()!;
    }

    private static string? NullableString(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Null ? null : String(element, path);

    private static bool Bool(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Wrong(path, "true or false", element),
    };

    private static int Int(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Number, path);
        return element.TryGetInt32(out var value) ? value : throw new DeterminationReadException(path, $"{element.GetRawText()} is not a whole number");
    }

    private static DateOnly Date(JsonElement element, string path)
    {
        var text = String(element, path);
        return IsoDate.TryParse(text, out var date) ? date : throw new DeterminationReadException(path, $"'{InputEcho.Truncate(text)}' is not a date (YYYY-MM-DD)");
    }

    /// <summary>evaluatedAt: UTC to the millisecond, as the writer writes it (yyyy-MM-ddTHH:mm:ss.fffZ).</summary>
    private static DateTimeOffset Timestamp(JsonElement element, string path)
    {
        var text = String(element, path);
        return DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new DeterminationReadException(path, $"'{InputEcho.Truncate(text)}' is not a UTC timestamp (yyyy-MM-ddTHH:mm:ss.fffZ)");
    }

    private static T Enum<T>(JsonElement element, string path, Dictionary<string, T> values)
    {
        var text = String(element, path);
        return values.TryGetValue(text, out var value)
            ? value
            : throw new DeterminationReadException(path, $"'{InputEcho.Truncate(text)}' is not one of {string.Join(", ", values.Keys)}");
    }

    private static JsonElement Required(JsonElement element, string name, string at) =>
        element.TryGetProperty(name, out var value) ? value : throw Missing(Dot(at, name));

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
            throw Wrong(path, kind switch
            {
                JsonValueKind.Object => "an object",
                JsonValueKind.Array => "a list",
                JsonValueKind.String => "a string",
                _ => "a number",
            }, element);
    }

    private static DeterminationReadException Wrong(string path, string expected, JsonElement element) =>
        new(path, $"must be {expected}, not {Describe(element)}");

    private static DeterminationReadException Missing(string path) => new(path, "required, but missing");

    private static string Describe(JsonElement element) => JsonKinds.Describe(element);

    private static string Dot(string at, string name) => at == "$" ? name : $"{at}.{name}";

    private static string Item(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");

    private static Dictionary<string, T> Wire<T>(Func<T, string> wire) where T : struct, Enum =>
        System.Enum.GetValues<T>().ToDictionary(wire, v => v, StringComparer.Ordinal);

    /// <summary>The fields of one object seen so far: each known once, none unknown, the required ones all there at the end.</summary>
    private sealed class Fields(string at)
    {
        // One bit per known field (an object has fewer than 32).
        private int _seen;
        private string[] _known = [];

        /// <summary>The index of <paramref name="name"/> among <paramref name="known"/>; a field not among them, or seen before, is an error.</summary>
        public int See(string name, string[] known)
        {
            _known = known;
            var index = Array.IndexOf(known, name);
            if (index < 0) throw new DeterminationReadException(Dot(at, name), "not a field of the determination here");
            if ((_seen & (1 << index)) != 0) throw new DeterminationReadException(Dot(at, name), "given twice");
            _seen |= 1 << index;
            return index;
        }

        public void Require(params string[] names)
        {
            foreach (var name in names)
            {
                var index = Array.IndexOf(_known, name);
                if (index < 0 || (_seen & (1 << index)) == 0) throw Missing(Dot(at, name));
            }
        }
    }
}
