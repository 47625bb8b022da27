using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Engine.Json;

/// <summary>
/// Reads the coverage request JSON of request-and-determination.md, strictly: unknown fields, malformed
/// dates and codes, unknown plans and enumeration values are input errors naming the field; they never
/// reach the evaluator.
/// </summary>
public static class RequestReader
{
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
        var rules = new RequestRules(catalogue);
        CoverageRequest? request;
        try
        {
            request = new Reader(catalogue, rules).Request(root);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json checks a string's Unicode only when it is read.
            return Fail("$", "the request holds a string that is not valid Unicode (a lone surrogate or invalid UTF-8)");
        }
        return rules.HasErrors ? new RequestReadResult(null, rules.Errors) : new RequestReadResult(request, []);
    }

    private static RequestReadResult Fail(string field, string message) => new(null, [new InputError(field, message)]);

    private static string Reason(JsonException e) =>
        e.LineNumber is { } line ? $"line {line + 1}, position {e.BytePositionInLine + 1}: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}" : e.Message;

    /// <summary>The JSON shape checks (types, unknown and repeated fields); the values go to the shared <see cref="RequestRules"/>.</summary>
    private sealed class Reader(PolicyCatalogue catalogue, RequestRules rules)
    {
        private void Error(FieldPath field, string message) => rules.Error(field, message);

        public CoverageRequest? Request(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", $"the request must be a JSON object, not {Describe(root)}");
                return null;
            }
            var fields = Fields(root, null, "requestId", "kind", "priority", "member", "dateOfService", "diagnoses", "serviceLines", "clinical", "placeOfService");

            var requestId = fields.TryGetValue("requestId", out var id) ? Id(id, "requestId", RequestRules.MaxIdLength) : null;
            var kind = fields.TryGetValue("kind", out var k)
                ? Enumeration(k, "kind", RequestKind.PriorAuthorization, ("prior-authorization", RequestKind.PriorAuthorization), ("claim", RequestKind.Claim))
                : RequestKind.PriorAuthorization;
            var priority = fields.TryGetValue("priority", out var p)
                ? Enumeration(p, "priority", RequestPriority.Standard, ("standard", RequestPriority.Standard), ("expedited", RequestPriority.Expedited))
                : RequestPriority.Standard;

            DateOnly? dateOfService = null;
            if (!fields.TryGetValue("dateOfService", out var dos)) Error("dateOfService", "required: the date of service (YYYY-MM-DD)");
            else dateOfService = Date(dos, "dateOfService");

            var member = fields.TryGetValue("member", out var m) ? Member(m, dateOfService) : rules.DefaultMember();
            var diagnoses = fields.TryGetValue("diagnoses", out var d) ? Diagnoses(d) : [];
            var place = fields.TryGetValue("placeOfService", out var pos) ? PlaceOfService(pos, "placeOfService") : null;
            var lines = fields.TryGetValue("serviceLines", out var l) ? ServiceLines(l, dateOfService, member?.BirthDate, place) : null;
            if (lines is null && !fields.ContainsKey("serviceLines")) Error("serviceLines", "required: at least one service line");
            var clinical = fields.TryGetValue("clinical", out var c) ? Clinical(c) : ClinicalFacts.None;

            return rules.Request(requestId, kind, priority, member, dateOfService, diagnoses, lines, clinical, place);
        }

        private Member? Member(JsonElement element, DateOnly? dateOfService)
        {
            if (!IsObject(element, "member")) return null;
            var fields = Fields(element, "member", "id", "birthDate", "sex", "planId", "socialRiskFactors");
            var id = fields.TryGetValue("id", out var i) ? Id(i, "member.id", RequestRules.MaxIdLength) : null;
            DateOnly? birthDate = null;
            if (fields.TryGetValue("birthDate", out var b) && b.ValueKind != JsonValueKind.Null)
            {
                birthDate = Date(b, "member.birthDate");
                rules.BirthDate(birthDate, dateOfService);
            }
            var sex = fields.TryGetValue("sex", out var x) && x.ValueKind != JsonValueKind.Null ? rules.Sex(Id(x, "member.sex", RequestRules.MaxIdLength), "member.sex") : null;
            var planId = fields.TryGetValue("planId", out var p) && p.ValueKind != JsonValueKind.Null
                ? rules.PlanId(Id(p, "member.planId", RequestRules.MaxIdLength))
                : catalogue.DefaultPlan.Id;
            var member = new Member { Id = id, BirthDate = birthDate, Sex = sex, PlanId = planId };
            // Only when stated: a member without factors keeps the model's own empty list, as every other adapter's does.
            return fields.TryGetValue("socialRiskFactors", out var r) && RiskFactors(r) is { Count: > 0 } risks ? member with { SocialRiskFactors = risks } : member;
        }

        /// <summary>member.socialRiskFactors: a list of known factors, each once, kept in the vocabulary's order.</summary>
        private List<string> RiskFactors(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Null) return [];
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error("member.socialRiskFactors", $"must be a list of {string.Join(", ", SocialRiskFactors.All)}, not {Describe(element)}");
                return [];
            }
            var given = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var field = FieldPath.At("member.socialRiskFactors", index++);
                if (item.ValueKind == JsonValueKind.String && SocialRiskFactors.All.Contains(item.GetString()!)) given.Add(item.GetString()!);
                else Error(field, $"must be one of {string.Join(", ", SocialRiskFactors.All)}, not {Describe(item)}");
            }
            return SocialRiskFactors.All.Where(given.Contains).ToList();
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
            if (!rules.DiagnosisCount(element.GetArrayLength())) return diagnoses;
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var field = FieldPath.At("diagnoses", index++);
                rules.Diagnosis(Id(item, field, RequestRules.MaxCodeLength), field, diagnoses);
            }
            return diagnoses;
        }

        /// <summary>A place-of-service code; null (JSON null) is none.</summary>
        private string? PlaceOfService(JsonElement element, FieldPath field) =>
            element.ValueKind == JsonValueKind.Null ? null : rules.PlaceOfService(Id(element, field, RequestRules.MaxCodeLength), field);

        private List<ServiceLine>? ServiceLines(JsonElement element, DateOnly? dateOfService, DateOnly? birthDate, string? requestPlace)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error("serviceLines", $"must be a list of service lines, not {Describe(element)}");
                return null;
            }
            if (!rules.LineCount(element.GetArrayLength())) return null;
            var lines = new List<ServiceLine>();
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var at = FieldPath.At("serviceLines", index);
                index++;
                if (!IsObject(item, at)) continue;
                var fields = Fields(item, at, "sequence", "code", "description", "modifiers", "units", "unitOfMeasure", "dateOfService", "placeOfService");
                var sequence = index;
                if (fields.TryGetValue("sequence", out var s))
                {
                    sequence = Whole(s, at.Dot("sequence"), 1, RequestRules.MaxSequence) ?? sequence;
                    rules.UniqueSequence(sequence, lines, at.Dot("sequence"));
                }
                string? code = null;
                if (!fields.TryGetValue("code", out var c)) rules.MissingCode(at.Dot("code"));
                else code = rules.ProcedureCode(Id(c, at.Dot("code"), RequestRules.MaxCodeLength), at.Dot("code"));
                var description = fields.TryGetValue("description", out var d) && d.ValueKind != JsonValueKind.Null
                    ? Text(d, at.Dot("description"), RequestRules.MaxTextLength, allowEmpty: true)
                    : null;
                var modifiers = fields.TryGetValue("modifiers", out var mo) ? Modifiers(mo, at.Dot("modifiers")) : [];
                var units = fields.TryGetValue("units", out var u) ? Units(u, at.Dot("units")) ?? 1 : 1;
                var unit = fields.TryGetValue("unitOfMeasure", out var um) && um.ValueKind != JsonValueKind.Null
                    ? Enumeration(um, at.Dot("unitOfMeasure").ToString(), UnitOfMeasure.Unit, ("unit", UnitOfMeasure.Unit), ("minutes", UnitOfMeasure.Minutes))
                    : UnitOfMeasure.Unit;
                DateOnly? lineDate = null;
                if (fields.TryGetValue("dateOfService", out var ld) && ld.ValueKind != JsonValueKind.Null)
                {
                    lineDate = Date(ld, at.Dot("dateOfService"));
                    rules.LineDate(lineDate, birthDate, at.Dot("dateOfService"));
                }
                var linePlace = fields.TryGetValue("placeOfService", out var lp) ? PlaceOfService(lp, at.Dot("placeOfService")) : null;
                if (code is null) continue;
                lines.Add(RequestRules.Line(sequence, code, description, modifiers, units, lineDate, dateOfService, linePlace ?? requestPlace, requestPlace, unit));
            }
            return lines;
        }

        /// <summary>At most four two-character modifiers, as a claim's SV101-3..6 carries them.</summary>
        private List<string> Modifiers(JsonElement element, FieldPath field)
        {
            var modifiers = new List<string>();
            if (element.ValueKind == JsonValueKind.Null) return modifiers;
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error(field, $"must be a list of modifiers (such as [\"LT\"]), not {Describe(element)}");
                return modifiers;
            }
            if (!rules.ModifierCount(element.GetArrayLength(), field)) return modifiers;
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var at = field.Item(index++);
                rules.Modifier(Id(item, at, RequestRules.MaxModifierLength), at, modifiers);
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
                var definition = rules.ClinicalFact(property.Name, field);
                if (definition is null) continue;
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
                        if (rules.FactNumber(definition, number, value.GetRawText(), field)) facts.Add(new(definition.Name, FactValue.Of(number)));
                        break;
                    case FactType.Date when value.ValueKind == JsonValueKind.String:
                        if (!DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
                            Error(field, $"'{InputEcho.Truncate(value.GetString())}' is not a date (yyyy-MM-dd)");
                        else
                            facts.Add(new(definition.Name, FactValue.OfDate(date)));
                        break;
                    case FactType.List when value.ValueKind == JsonValueKind.Array:
                        if (ListOf(definition, value, field) is { } items) facts.Add(new(definition.Name, FactValue.OfList(items)));
                        break;
                    case FactType.Code when value.ValueKind == JsonValueKind.String:
                        if (rules.FactCode(definition, value.GetString()!, field) is { } code) facts.Add(new(definition.Name, FactValue.OfCode(code)));
                        break;
                    default:
                        Error(field, $"must be {RequestRules.ExpectedFactValue(definition)} (or null when unknown), not {Describe(value)}");
                        break;
                }
            }
            return ClinicalFacts.From(facts);
        }

        /// <summary>A list fact: each item one of the fact's values (canonical spelling), none twice; null when any is wrong.</summary>
        private List<string>? ListOf(FactDefinition definition, JsonElement value, string field)
        {
            var items = new List<string>();
            var valid = true;
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                var at = $"{field}[{index++}]";
                if (item.ValueKind == JsonValueKind.String) valid &= rules.FactListItem(definition, item.GetString()!, at, items);
                else
                {
                    Error(at, $"must be one of {string.Join(", ", definition.Values)}, not {Describe(item)}");
                    valid = false;
                }
            }
            return valid ? items : null;
        }

        // ------------------------------------------------------------ shared

        /// <summary>The object's known fields; an unknown or repeated one is an error named under <paramref name="parent"/>.</summary>
        private Dictionary<string, JsonElement> Fields(JsonElement element, FieldPath? parent, params string[] known)
        {
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                    Error(Under(parent, property.Name), $"not a field of the request here (known: {string.Join(", ", known)})");
                else if (!fields.TryAdd(property.Name, property.Value))
                    Error(Under(parent, property.Name), "given twice");
            }
            return fields;
        }

        private static string Under(FieldPath? parent, string name) => parent is { } path ? $"{path}.{name}" : name;

        private bool IsObject(JsonElement element, FieldPath field)
        {
            if (element.ValueKind == JsonValueKind.Object) return true;
            Error(field, $"must be an object, not {Describe(element)}");
            return false;
        }

        private string? Text(JsonElement element, FieldPath field, int maxLength, bool allowEmpty = false)
        {
            if (element.ValueKind == JsonValueKind.String) return rules.Text(element.GetString()!, field, maxLength, allowEmpty);
            Error(field, $"must be a string, not {Describe(element)}");
            return null;
        }

        /// <summary>An identifier or code: a string of printable ASCII (<see cref="RequestRules.Id"/>).</summary>
        private string? Id(JsonElement element, FieldPath field, int maxLength)
        {
            if (element.ValueKind == JsonValueKind.String) return rules.Id(element.GetString()!, field, maxLength);
            Error(field, $"must be a string, not {Describe(element)}");
            return null;
        }

        private DateOnly? Date(JsonElement element, FieldPath field)
        {
            if (element.ValueKind == JsonValueKind.String) return rules.Date(element.GetString()!, field);
            Error(field, $"must be a date string (YYYY-MM-DD), not {Describe(element)}");
            return null;
        }

        private decimal? Units(JsonElement element, FieldPath field)
        {
            if (element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var value)) return rules.Units(value, field);
            Error(field, $"must be a number above 0 and at most {RequestRules.MaxUnits:0} with at most {RequestRules.UnitDecimals} decimals, not " +
                (element.ValueKind == JsonValueKind.Number ? element.GetRawText() : Describe(element)));
            return null;
        }

        private int? Whole(JsonElement element, FieldPath field, int min, int max)
        {
            if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && RequestRules.InRange(value, min, max)) return value;
            rules.NotWhole(field, min, max, element.ValueKind == JsonValueKind.Number ? element.GetRawText() : Describe(element));
            return null;
        }

        private T Enumeration<T>(JsonElement element, string field, T fallback, params (string Wire, T Value)[] values)
        {
            if (element.ValueKind == JsonValueKind.String)
                foreach (var (wire, value) in values)
                    if (element.GetString() == wire) return value;
            var allowed = string.Join(", ", values.Select(v => v.Wire));
            Error(field, element.ValueKind == JsonValueKind.String
                ? $"'{InputEcho.Truncate(element.GetString())}' is not one of {allowed}"
                : $"must be one of {allowed}, not {Describe(element)}");
            return fallback;
        }

        private static string Describe(JsonElement element) => JsonKinds.Describe(element);
    }
}
