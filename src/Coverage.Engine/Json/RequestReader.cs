using System.Globalization;
using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Json;

/// <summary>An input error: the field (a JSON path such as serviceLines[0].code) and what is wrong with it.</summary>
public sealed record InputError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Either a valid request or the input errors that keep it from being one.</summary>
public sealed record RequestReadResult(CoverageRequest? Request, IReadOnlyList<InputError> Errors)
{
    public bool IsValid => Request is not null;
}

/// <summary>
/// Reads the coverage request JSON of request-and-determination.md, strictly: unknown fields, malformed
/// dates and codes, unknown plans and enumeration values are input errors naming the field; they never
/// reach the evaluator.
/// </summary>
public static class RequestReader
{
    private static readonly DateOnly EarliestBirthDate = new(1880, 1, 1);
    private const int MaxTextLength = 2000;
    /// <summary>An 837P claim carries at most 50 service lines (loop 2400); a request is held to the same.</summary>
    public const int MaxServiceLines = 50;
    /// <summary>Institutional claims carry up to 25 diagnosis codes; no request needs more.</summary>
    public const int MaxDiagnoses = 25;
    private const int MaxModifiers = 4;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    public static RequestReadResult Read(string json, PolicyCatalogue catalogue) => Read(() => JsonDocument.Parse(json, Options), catalogue);

    public static RequestReadResult Read(ReadOnlyMemory<byte> utf8Json, PolicyCatalogue catalogue) => Read(() => JsonDocument.Parse(utf8Json, Options), catalogue);

    private static RequestReadResult Read(Func<JsonDocument> parse, PolicyCatalogue catalogue)
    {
        JsonDocument document;
        try
        {
            document = parse();
        }
        catch (JsonException e)
        {
            return Fail("$", $"the request is not valid JSON ({Reason(e)})");
        }
        using (document) return Read(document.RootElement, catalogue);
    }

    public static RequestReadResult Read(JsonElement root, PolicyCatalogue catalogue)
    {
        var errors = new List<InputError>();
        CoverageRequest? request;
        try
        {
            request = new Reader(catalogue, errors).Request(root);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json checks a string's Unicode only when it is read.
            return Fail("$", "the request holds a string that is not valid Unicode (a lone surrogate or invalid UTF-8)");
        }
        return errors.Count > 0 ? new RequestReadResult(null, errors) : new RequestReadResult(request, []);
    }

    private static RequestReadResult Fail(string field, string message) => new(null, [new InputError(field, message)]);

    private static string Reason(JsonException e) =>
        e.LineNumber is { } line ? $"line {line + 1}, position {e.BytePositionInLine + 1}: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}" : e.Message;

    private sealed class Reader(PolicyCatalogue catalogue, List<InputError> errors)
    {
        private void Error(string field, string message) => errors.Add(new InputError(field, message));

        public CoverageRequest? Request(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", $"the request must be a JSON object, not {Describe(root)}");
                return null;
            }
            var fields = Fields(root, "", "requestId", "kind", "priority", "member", "dateOfService", "diagnoses", "serviceLines", "clinical");

            var requestId = fields.TryGetValue("requestId", out var id) ? Text(id, "requestId", 128) : null;
            var kind = fields.TryGetValue("kind", out var k)
                ? Enumeration(k, "kind", RequestKind.PriorAuthorization, ("prior-authorization", RequestKind.PriorAuthorization), ("claim", RequestKind.Claim))
                : RequestKind.PriorAuthorization;
            var priority = fields.TryGetValue("priority", out var p)
                ? Enumeration(p, "priority", RequestPriority.Standard, ("standard", RequestPriority.Standard), ("expedited", RequestPriority.Expedited))
                : RequestPriority.Standard;

            DateOnly? dateOfService = null;
            if (!fields.TryGetValue("dateOfService", out var dos)) Error("dateOfService", "required: the date of service (YYYY-MM-DD)");
            else dateOfService = Date(dos, "dateOfService");

            var member = fields.TryGetValue("member", out var m) ? Member(m, dateOfService) : new Member { PlanId = catalogue.DefaultPlan.Id };
            var diagnoses = fields.TryGetValue("diagnoses", out var d) ? Diagnoses(d) : [];
            var lines = fields.TryGetValue("serviceLines", out var l) ? ServiceLines(l, dateOfService, member?.BirthDate) : null;
            if (lines is null && !fields.ContainsKey("serviceLines")) Error("serviceLines", "required: at least one service line");
            var clinical = fields.TryGetValue("clinical", out var c) ? Clinical(c) : ClinicalFacts.None;

            if (errors.Count > 0 || dateOfService is null || member is null || lines is null || clinical is null) return null;
            return new CoverageRequest
            {
                RequestId = requestId,
                Kind = kind,
                Priority = priority,
                Member = member,
                DateOfService = dateOfService.Value,
                Diagnoses = diagnoses,
                ServiceLines = lines,
                Clinical = clinical,
            };
        }

        private Member? Member(JsonElement element, DateOnly? dateOfService)
        {
            if (!IsObject(element, "member")) return null;
            var fields = Fields(element, "member.", "id", "birthDate", "planId");
            var id = fields.TryGetValue("id", out var i) ? Text(i, "member.id", 128) : null;
            DateOnly? birthDate = null;
            if (fields.TryGetValue("birthDate", out var b) && b.ValueKind != JsonValueKind.Null)
            {
                birthDate = Date(b, "member.birthDate");
                if (birthDate < EarliestBirthDate) Error("member.birthDate", $"{birthDate:yyyy-MM-dd} is not a plausible date of birth");
                else if (birthDate > dateOfService) Error("member.birthDate", $"{birthDate:yyyy-MM-dd} is after the date of service {dateOfService:yyyy-MM-dd}");
            }
            var planId = catalogue.DefaultPlan.Id;
            if (fields.TryGetValue("planId", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                var text = Text(p, "member.planId", 128);
                if (text is not null && catalogue.FindPlan(text) is null)
                    Error("member.planId", $"unknown plan '{text}' (known: {string.Join(", ", catalogue.Plans.Select(x => x.Id))})");
                planId = text ?? planId;
            }
            return new Member { Id = id, BirthDate = birthDate, PlanId = planId };
        }

        private List<string> Diagnoses(JsonElement element)
        {
            var diagnoses = new List<string>();
            if (element.ValueKind == JsonValueKind.Null) return diagnoses;
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error("diagnoses", $"must be a list of ICD-10-CM codes, not {Describe(element)}");
                return diagnoses;
            }
            if (element.GetArrayLength() > MaxDiagnoses)
            {
                Error("diagnoses", $"{element.GetArrayLength()} diagnoses; at most {MaxDiagnoses} are accepted");
                return diagnoses;
            }
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var field = $"diagnoses[{index++}]";
                var code = Text(item, field, 16);
                if (code is null) continue;
                if (!CodeFormats.IsIcd10Cm(code)) Error(field, $"'{code}' is not an ICD-10-CM code (such as C50.411)");
                else
                {
                    var normalised = CodeFormats.NormaliseIcd10(code);
                    if (!diagnoses.Contains(normalised)) diagnoses.Add(normalised);
                }
            }
            return diagnoses;
        }

        private List<ServiceLine>? ServiceLines(JsonElement element, DateOnly? dateOfService, DateOnly? birthDate)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error("serviceLines", $"must be a list of service lines, not {Describe(element)}");
                return null;
            }
            if (element.GetArrayLength() == 0)
            {
                Error("serviceLines", "required: at least one service line");
                return null;
            }
            if (element.GetArrayLength() > MaxServiceLines)
            {
                Error("serviceLines", $"{element.GetArrayLength()} service lines; at most {MaxServiceLines} are accepted in one request");
                return null;
            }
            var lines = new List<ServiceLine>();
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var at = $"serviceLines[{index}]";
                index++;
                if (!IsObject(item, at)) continue;
                var fields = Fields(item, at + ".", "sequence", "code", "description", "modifiers", "units", "dateOfService");
                var sequence = index;
                if (fields.TryGetValue("sequence", out var s))
                {
                    sequence = Whole(s, at + ".sequence", 1, 9999) ?? sequence;
                    if (lines.Any(x => x.Sequence == sequence)) Error(at + ".sequence", $"sequence {sequence} is used by another line");
                }
                string? code = null;
                if (!fields.TryGetValue("code", out var c)) Error(at + ".code", "required: the CPT or HCPCS code");
                else
                {
                    code = Text(c, at + ".code", 16);
                    if (code is not null && !CodeFormats.IsProcedureCode(code))
                    {
                        Error(at + ".code", $"'{code}' is not a CPT or HCPCS code (five characters: 12345, 1234F, 1234T, 1234U or A1234)");
                        code = null;
                    }
                }
                var description = fields.TryGetValue("description", out var d) && d.ValueKind != JsonValueKind.Null ? Text(d, at + ".description", MaxTextLength, allowEmpty: true) : null;
                var modifiers = fields.TryGetValue("modifiers", out var mo) ? Modifiers(mo, at + ".modifiers") : [];
                var units = fields.TryGetValue("units", out var u) ? Whole(u, at + ".units", 1, 999) ?? 1 : 1;
                DateOnly? lineDate = null;
                if (fields.TryGetValue("dateOfService", out var ld) && ld.ValueKind != JsonValueKind.Null)
                {
                    lineDate = Date(ld, at + ".dateOfService");
                    if (lineDate < birthDate) Error(at + ".dateOfService", $"{lineDate:yyyy-MM-dd} is before the member's date of birth");
                }
                if (code is null) continue;
                lines.Add(new ServiceLine
                {
                    Sequence = sequence,
                    Code = code.ToUpperInvariant(),
                    Description = string.IsNullOrWhiteSpace(description) ? null : description,
                    Modifiers = modifiers,
                    Units = units,
                    DateOfService = lineDate == dateOfService ? null : lineDate,
                });
            }
            return lines;
        }

        /// <summary>At most four two-character modifiers, as a claim's SV101-3..6 carries them.</summary>
        private List<string> Modifiers(JsonElement element, string field)
        {
            var modifiers = new List<string>();
            if (element.ValueKind == JsonValueKind.Null) return modifiers;
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error(field, $"must be a list of modifiers (such as [\"LT\"]), not {Describe(element)}");
                return modifiers;
            }
            if (element.GetArrayLength() > MaxModifiers)
            {
                Error(field, $"has {element.GetArrayLength()} modifiers; a line carries at most {MaxModifiers}");
                return modifiers;
            }
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var at = $"{field}[{index++}]";
                var modifier = Text(item, at, 8);
                if (modifier is null) continue;
                if (!CodeFormats.IsModifier(modifier)) Error(at, $"'{modifier}' is not a CPT/HCPCS modifier (two letters or digits, such as LT or 59)");
                else modifiers.Add(modifier.ToUpperInvariant());
            }
            return modifiers;
        }

        private ClinicalFacts? Clinical(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Null) return ClinicalFacts.None;
            if (!IsObject(element, "clinical")) return null;
            var facts = new List<KeyValuePair<string, FactValue>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var field = "clinical." + property.Name;
                if (!seen.Add(property.Name))
                {
                    Error(field, "given twice");
                    continue;
                }
                var definition = catalogue.Facts.Find(property.Name);
                if (definition is null)
                {
                    Error(field, $"not a clinical fact the engine knows (known: {string.Join(", ", catalogue.Facts.All.Where(f => f.DerivedFrom is null).Select(f => f.Name))})");
                    continue;
                }
                if (definition.DerivedFrom is not null)
                {
                    Error(field, "derived by the engine (from member.birthDate and the date of service); do not send it");
                    continue;
                }
                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Null) continue; // null: stated as unknown
                switch (definition.Type)
                {
                    case FactType.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        facts.Add(new(definition.Name, FactValue.Of(value.GetBoolean())));
                        break;
                    case FactType.Number when value.ValueKind == JsonValueKind.Number:
                        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
                        {
                            Error(field, $"{value.GetRawText()} is not a number the engine can use");
                            break;
                        }
                        if (number < definition.Minimum || number > definition.Maximum)
                            Error(field, $"{value.GetRawText()} is outside {definition.Minimum}–{definition.Maximum}{(definition.Unit is null ? "" : " " + definition.Unit)}");
                        else
                            facts.Add(new(definition.Name, FactValue.Of(number)));
                        break;
                    case FactType.Code when value.ValueKind == JsonValueKind.String:
                        var code = definition.Values.FirstOrDefault(v => string.Equals(v, value.GetString(), StringComparison.OrdinalIgnoreCase));
                        if (code is null) Error(field, $"'{value.GetString()}' is not one of {string.Join(", ", definition.Values)}");
                        else facts.Add(new(definition.Name, FactValue.OfCode(code)));
                        break;
                    default:
                        var expected = definition.Type switch
                        {
                            FactType.Boolean => "true or false",
                            FactType.Number => "a number" + (definition.Unit is null ? "" : $" ({definition.Unit})"),
                            _ => "one of " + string.Join(", ", definition.Values),
                        };
                        Error(field, $"must be {expected} (or null when unknown), not {Describe(value)}");
                        break;
                }
            }
            return ClinicalFacts.From(facts);
        }

        // ------------------------------------------------------------ shared

        private Dictionary<string, JsonElement> Fields(JsonElement element, string prefix, params string[] known)
        {
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                    Error(prefix + property.Name, $"not a field of the request here (known: {string.Join(", ", known)})");
                else if (!fields.TryAdd(property.Name, property.Value))
                    Error(prefix + property.Name, "given twice");
            }
            return fields;
        }

        private bool IsObject(JsonElement element, string field)
        {
            if (element.ValueKind == JsonValueKind.Object) return true;
            Error(field, $"must be an object, not {Describe(element)}");
            return false;
        }

        private string? Text(JsonElement element, string field, int maxLength, bool allowEmpty = false)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                Error(field, $"must be a string, not {Describe(element)}");
                return null;
            }
            var text = element.GetString()!;
            if (!allowEmpty && string.IsNullOrWhiteSpace(text))
            {
                Error(field, "must not be empty");
                return null;
            }
            if (text.Length > maxLength)
            {
                Error(field, $"is {text.Length} characters long; at most {maxLength} are accepted");
                return null;
            }
            if (text.Any(ch => char.IsControl(ch) && ch is not ('\t' or '\r' or '\n')))
            {
                Error(field, "must not contain control characters");
                return null;
            }
            return text.Trim();
        }

        private DateOnly? Date(JsonElement element, string field)
        {
            if (element.ValueKind == JsonValueKind.String
                && DateOnly.TryParseExact(element.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return date;
            Error(field, element.ValueKind == JsonValueKind.String
                ? $"'{element.GetString()}' is not a valid date (YYYY-MM-DD)"
                : $"must be a date string (YYYY-MM-DD), not {Describe(element)}");
            return null;
        }

        private int? Whole(JsonElement element, string field, int min, int max)
        {
            if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value >= min && value <= max) return value;
            Error(field, $"must be a whole number from {min} to {max}, not {(element.ValueKind == JsonValueKind.Number ? element.GetRawText() : Describe(element))}");
            return null;
        }

        private T Enumeration<T>(JsonElement element, string field, T fallback, params (string Wire, T Value)[] values)
        {
            if (element.ValueKind == JsonValueKind.String)
                foreach (var (wire, value) in values)
                    if (element.GetString() == wire) return value;
            var allowed = string.Join(", ", values.Select(v => v.Wire));
            Error(field, element.ValueKind == JsonValueKind.String
                ? $"'{element.GetString()}' is not one of {allowed}"
                : $"must be one of {allowed}, not {Describe(element)}");
            return fallback;
        }

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
