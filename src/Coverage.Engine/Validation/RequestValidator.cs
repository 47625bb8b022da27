using System.Globalization;
using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Validation;

/// <summary>
/// Validates a <see cref="RequestDraft"/> with the request rules (<see cref="RequestRules"/>): every adapter that is not
/// the JSON contract itself (the claim file readers, CRD's orders, PAS's Claim) fills a draft instead of writing JSON for
/// RequestReader to parse again, and gets the errors the JSON contract would give (same fields, messages and order),
/// without the round trip.
/// </summary>
public static class RequestValidator
{
    public static RequestReadResult Validate(RequestDraft draft, PolicyCatalogue catalogue)
    {
        var rules = new RequestRules(catalogue);
        var requestId = draft.RequestId is null ? null : rules.Id(draft.RequestId, "requestId", RequestRules.MaxIdLength);

        DateOnly? dateOfService = null;
        if (draft.DateOfService is null) rules.Error("dateOfService", "required: the date of service (YYYY-MM-DD)");
        else dateOfService = rules.Date(draft.DateOfService, "dateOfService");

        var member = Member(rules, draft, dateOfService);
        var diagnoses = Diagnoses(rules, draft.Diagnoses);
        var place = draft.PlaceOfService is null ? null : rules.PlaceOfService(rules.Id(draft.PlaceOfService, "placeOfService", RequestRules.MaxCodeLength), "placeOfService");
        var lines = ServiceLines(rules, draft.ServiceLines, dateOfService, member.BirthDate, place);

        var clinical = Clinical(rules, draft.Clinical);

        var request = rules.Request(requestId, draft.Kind, draft.Priority, member, dateOfService, diagnoses, lines, clinical, place);
        return request is not null ? new RequestReadResult(request, []) : new RequestReadResult(null, rules.Errors);
    }

    /// <summary>A YYYY-MM-DD date read as the request rules read it.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) => RequestRules.TryParseDate(text, out date);

    private static Member Member(RequestRules rules, RequestDraft draft, DateOnly? dateOfService)
    {
        var id = draft.MemberId is null ? null : rules.Id(draft.MemberId, "member.id", RequestRules.MaxIdLength);
        DateOnly? birthDate = null;
        if (draft.BirthDate is not null)
        {
            birthDate = rules.Date(draft.BirthDate, "member.birthDate");
            rules.BirthDate(birthDate, dateOfService);
        }
        var sex = draft.Sex is null ? null : rules.Sex(rules.Id(draft.Sex, "member.sex", RequestRules.MaxIdLength), "member.sex");
        var planId = draft.PlanId is null ? rules.Catalogue.DefaultPlan.Id : rules.PlanId(rules.Id(draft.PlanId, "member.planId", RequestRules.MaxIdLength));
        return new Member { Id = id, BirthDate = birthDate, Sex = sex, PlanId = planId };
    }

    private static List<string> Diagnoses(RequestRules rules, IReadOnlyList<string?> codes)
    {
        var diagnoses = new List<string>(codes.Count);
        if (!rules.DiagnosisCount(codes.Count)) return diagnoses;
        for (var i = 0; i < codes.Count; i++)
        {
            var field = FieldPath.At("diagnoses", i);
            if (codes[i] is not { } code) rules.Error(field, "must be a string, not null");
            else rules.Diagnosis(rules.Id(code, field, RequestRules.MaxCodeLength), field, diagnoses);
        }
        return diagnoses;
    }

    /// <summary>The stated clinical facts, checked as the request reader checks the "clinical" object, with the same messages.</summary>
    private static ClinicalFacts Clinical(RequestRules rules, IReadOnlyList<KeyValuePair<string, FactValue>> stated)
    {
        if (stated.Count == 0) return ClinicalFacts.None;
        var facts = new List<KeyValuePair<string, FactValue>>(stated.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in stated)
        {
            var field = "clinical." + name;
            if (!seen.Add(name))
            {
                rules.Error(field, "given twice");
                continue;
            }
            var definition = rules.ClinicalFact(name, field);
            if (definition is null) continue;
            switch (definition.Type)
            {
                case FactType.Boolean or FactType.Date when value.Type == definition.Type:
                    facts.Add(new(definition.Name, value));
                    break;
                case FactType.Number when value.Type == FactType.Number:
                    if (!double.IsFinite(value.Number)) rules.Error(field, $"{Written(value.Number)} is not a number the engine can use");
                    else if (rules.FactNumber(definition, value.Number, Written(value.Number), field)) facts.Add(new(definition.Name, value));
                    break;
                case FactType.Code when value.Type == FactType.Code:
                    if (rules.FactCode(definition, value.Code!, field) is { } code) facts.Add(new(definition.Name, FactValue.OfCode(code)));
                    break;
                case FactType.List when value.Type == FactType.List:
                    var items = new List<string>();
                    var valid = true;
                    for (var i = 0; i < value.Items!.Count; i++)
                        valid &= rules.FactListItem(definition, value.Items[i], string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]"), items);
                    if (valid) facts.Add(new(definition.Name, FactValue.OfList(items)));
                    break;
                default:
                    rules.Error(field, $"must be {RequestRules.ExpectedFactValue(definition)} (or null when unknown), not {Kind(value.Type)}");
                    break;
            }
        }
        return ClinicalFacts.From(facts);
    }

    /// <summary>A number as the request JSON writes it (System.Text.Json's shortest round-trip form), so that a message quotes what JSON would have.</summary>
    private static string Written(double number) => double.IsFinite(number) ? JsonSerializer.Serialize(number) : number.ToString(CultureInfo.InvariantCulture);

    /// <summary>What JSON value a fact value would be written as, for the message that refuses it.</summary>
    private static string Kind(FactType type) => type switch
    {
        FactType.Number => "a number",
        FactType.Boolean => "a boolean",
        FactType.List => "a list",
        _ => "a string",
    };

    private static List<ServiceLine>? ServiceLines(RequestRules rules, IReadOnlyList<ServiceLineDraft> drafts, DateOnly? dateOfService, DateOnly? birthDate, string? requestPlace)
    {
        if (!rules.LineCount(drafts.Count)) return null;
        var lines = new List<ServiceLine>(drafts.Count);
        for (var index = 0; index < drafts.Count; index++)
        {
            var draft = drafts[index];
            var at = FieldPath.At("serviceLines", index);
            var sequence = rules.Whole(draft.Sequence, at.Dot("sequence"), 1, RequestRules.MaxSequence) ?? index + 1;
            rules.UniqueSequence(sequence, lines, at.Dot("sequence"));
            var code = rules.ProcedureCode(rules.Id(draft.Code, at.Dot("code"), RequestRules.MaxCodeLength), at.Dot("code"));
            var description = draft.Description is null ? null : rules.Text(draft.Description, at.Dot("description"), RequestRules.MaxTextLength, allowEmpty: true);
            var modifiers = Modifiers(rules, draft.Modifiers, at.Dot("modifiers"));
            var units = rules.Units(draft.Units, at.Dot("units")) ?? 1;
            DateOnly? lineDate = null;
            if (draft.DateOfService is not null)
            {
                lineDate = rules.Date(draft.DateOfService, at.Dot("dateOfService"));
                rules.LineDate(lineDate, birthDate, at.Dot("dateOfService"));
            }
            var linePlace = draft.PlaceOfService is null ? null
                : rules.PlaceOfService(rules.Id(draft.PlaceOfService, at.Dot("placeOfService"), RequestRules.MaxCodeLength), at.Dot("placeOfService"));
            if (code is null) continue;
            lines.Add(RequestRules.Line(sequence, code, description, modifiers, units, lineDate, dateOfService, linePlace ?? requestPlace, requestPlace, draft.UnitOfMeasure));
        }
        return lines;
    }

    private static List<string> Modifiers(RequestRules rules, IReadOnlyList<string> given, FieldPath field)
    {
        var modifiers = new List<string>(given.Count);
        if (given.Count == 0 || !rules.ModifierCount(given.Count, field)) return modifiers;
        for (var i = 0; i < given.Count; i++)
        {
            var at = field.Item(i);
            rules.Modifier(rules.Id(given[i], at, RequestRules.MaxModifierLength), at, modifiers);
        }
        return modifiers;
    }
}
