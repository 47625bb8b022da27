using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Validation;

/// <summary>
/// Validates a <see cref="RequestDraft"/> with the request rules (<see cref="RequestRules"/>): the claim file
/// readers fill a draft instead of writing JSON for RequestReader to parse again, and get the errors the JSON
/// contract would give (same fields, messages and order), without the round trip.
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

        var request = rules.Request(requestId, draft.Kind, draft.Priority, member, dateOfService, diagnoses, lines, ClinicalFacts.None, place);
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

    private static List<string> Diagnoses(RequestRules rules, IReadOnlyList<string> codes)
    {
        var diagnoses = new List<string>(codes.Count);
        if (!rules.DiagnosisCount(codes.Count)) return diagnoses;
        for (var i = 0; i < codes.Count; i++)
        {
            var field = FieldPath.At("diagnoses", i);
            rules.Diagnosis(rules.Id(codes[i], field, RequestRules.MaxCodeLength), field, diagnoses);
        }
        return diagnoses;
    }

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
