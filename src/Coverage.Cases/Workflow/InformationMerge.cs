using System.Text.Json.Nodes;
using Coverage.Engine.Validation;

namespace Coverage.Cases;

/// <summary>
/// Merges the information a provider sends for a pended case into the stored request:
/// <c>{"clinical": {...}, "diagnoses": [...], "serviceLines": [{"sequence": 1, "description": "...", "placeOfService": "22"}],
/// "member": {"birthDate": "...", "sex": "female"}, "placeOfService": "22", "informationOrigin": {"tumorSizeCm": "auto"},
/// "questions": {"tumorSizeCm": "Tumor size…"} (a diagnosis's under "diagnoses.C79.51"), "questionnaire": "…/Questionnaire/…|sha256:…"}</c> — what a determination's
/// factsNeeded may ask for, and (from a DTR questionnaire) where each value came from and which question it answered.
/// Information is appended, never overwrites what the case holds: a clinical fact, a line's description or place of
/// service, the birth date, sex or place of service already given is refused (naming the field), diagnoses are added.
/// The merged request is then read again by the request reader, which validates every value.
/// </summary>
public static class InformationMerge
{
    public static JsonObject Merge(JsonObject request, JsonObject information, List<InputError> errors, out HashSet<int> describedLines)
    {
        describedLines = [];
        if (information.Count == 0) errors.Add(new InputError("$", "no information given (clinical, diagnoses, serviceLines, member or placeOfService)"));
        foreach (var (name, value) in information)
        {
            switch (name)
            {
                case "clinical" when value is JsonObject facts:
                    var clinical = request["clinical"] as JsonObject ?? (JsonObject)(request["clinical"] = new JsonObject());
                    foreach (var (fact, factValue) in facts)
                    {
                        if (factValue is null) errors.Add(new InputError($"clinical.{fact}", "a fact cannot be removed: information is added to a case, never taken away"));
                        else if (clinical[fact] is not null) errors.Add(new InputError($"clinical.{fact}", "already given; information is added to a case, never replaced"));
                        else clinical[fact] = factValue.DeepClone();
                    }
                    break;
                case "diagnoses" when value is JsonArray codes:
                    var diagnoses = request["diagnoses"] as JsonArray ?? (JsonArray)(request["diagnoses"] = new JsonArray());
                    foreach (var code in codes) diagnoses.Add(code?.DeepClone());
                    break;
                case "serviceLines" when value is JsonArray lines:
                    MergeLines(request, lines, errors, describedLines);
                    break;
                case "member" when value is JsonObject member:
                    foreach (var (field, fieldValue) in member)
                    {
                        if (field is not ("birthDate" or "sex")) errors.Add(new InputError($"member.{field}", "only member.birthDate and member.sex can be added to a case"));
                        else if (request["member"]?[field] is not null) errors.Add(new InputError($"member.{field}", "already given; information is added to a case, never replaced"));
                        else if (request["member"] is JsonObject stored) stored[field] = fieldValue?.DeepClone();
                        else request["member"] = new JsonObject { [field] = fieldValue?.DeepClone() };
                    }
                    break;
                case "placeOfService":
                    if (request["placeOfService"] is not null) errors.Add(new InputError("placeOfService", "already given; information is added to a case, never replaced"));
                    else request["placeOfService"] = value?.DeepClone();
                    break;
                case "informationOrigin" when value is JsonObject origins:
                    // Where each value came from (DTR's information-origin: auto from the record, override of it, manual):
                    // kept with the addition for reviewers, not part of the request.
                    foreach (var (field, origin) in origins)
                    {
                        if (origin is not JsonValue text || !text.TryGetValue<string>(out var code) || !InformationOrigins.Contains(code))
                            errors.Add(new InputError($"informationOrigin.{field}", $"one of {string.Join(", ", InformationOrigins)}"));
                        else if (!Gives(information, field))
                            errors.Add(new InputError($"informationOrigin.{field}", "names no value this information gives (clinical.<fact> as the fact's name, member.birthDate / member.sex, or diagnoses.<code> as the diagnoses list writes it)"));
                    }
                    break;
                case "questions" when value is JsonObject questions:
                    // The question each value answered, as the form worded it: kept for reviewers, not part of the request.
                    foreach (var (field, text) in questions)
                    {
                        if (text is not JsonValue words || !words.TryGetValue<string>(out var question) || string.IsNullOrWhiteSpace(question) || question.Length > MaxQuestionLength)
                            errors.Add(new InputError($"questions.{field}", $"the question's text, 1 to {MaxQuestionLength} characters"));
                        else if (!Gives(information, field))
                            errors.Add(new InputError($"questions.{field}", "names no value this information gives (clinical.<fact> as the fact's name, member.birthDate / member.sex, or diagnoses.<code> as the diagnoses list writes it)"));
                    }
                    break;
                case "questionnaire":
                    // The canonical (with its version) of the questionnaire the values answer: kept for reviewers.
                    if (value is not JsonValue canonical || !canonical.TryGetValue<string>(out var url) || string.IsNullOrWhiteSpace(url) || url.Length > MaxCanonicalLength)
                        errors.Add(new InputError("questionnaire", $"the questionnaire's canonical, 1 to {MaxCanonicalLength} characters"));
                    else if (information["clinical"] is null && information["member"] is null && information["diagnoses"] is null)
                        errors.Add(new InputError("questionnaire", "names the questionnaire of values this information gives (clinical, member or diagnoses); it gives none"));
                    break;
                case "clinical" or "member" or "informationOrigin" or "questions":
                    errors.Add(new InputError(name, "must be an object"));
                    break;
                case "diagnoses" or "serviceLines":
                    errors.Add(new InputError(name, "must be a list"));
                    break;
                default:
                    errors.Add(new InputError(name, "not information a case can take (clinical, diagnoses, serviceLines, member, placeOfService)"));
                    break;
            }
        }
        return request;
    }

    /// <summary>The longest question text an addition keeps (as the FHIR reader cuts it).</summary>
    public const int MaxQuestionLength = 2000;

    /// <summary>The longest questionnaire canonical an addition keeps.</summary>
    public const int MaxCanonicalLength = 1000;

    /// <summary>DTR 2.0.1's information origins (ValueSet informationOrigins), and "unstated" for an answer that gave none.</summary>
    public static readonly IReadOnlyList<string> InformationOrigins = ["auto", "override", "manual", "unstated"];

    private static bool Gives(JsonObject information, string field) =>
        field.StartsWith("member.", StringComparison.Ordinal) ? information["member"]?[field["member.".Length..]] is not null
        : field.StartsWith(DiagnosisPrefix, StringComparison.Ordinal) ? information["diagnoses"] is JsonArray codes
            && codes.Any(c => c is JsonValue v && v.TryGetValue<string>(out var code) && code == field[DiagnosisPrefix.Length..])
        : information["clinical"]?[field] is not null;

    /// <summary>What an addition says of one diagnosis it gives is kept under "diagnoses.&lt;code&gt;" (each may have its own origin).</summary>
    private const string DiagnosisPrefix = "diagnoses.";

    private static void MergeLines(JsonObject request, JsonArray lines, List<InputError> errors, HashSet<int> describedLines)
    {
        var stored = request["serviceLines"]!.AsArray();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not JsonObject line || line["sequence"] is not JsonValue sequence || !sequence.TryGetValue<int>(out var number))
            {
                errors.Add(new InputError($"serviceLines[{i}].sequence", "required: the sequence of the line to complete"));
                continue;
            }
            var target = stored.OfType<JsonObject>().FirstOrDefault(l => l["sequence"]?.GetValue<int>() == number);
            if (target is null)
            {
                errors.Add(new InputError($"serviceLines[{i}].sequence", $"the case has no line {number}"));
                continue;
            }
            foreach (var (field, value) in line)
            {
                if (field == "sequence") continue;
                if (field == "placeOfService")
                {
                    // The line's own place of service, where neither the line nor the request states one yet.
                    if (target[field] is not null || request["placeOfService"] is not null)
                        errors.Add(new InputError($"serviceLines[{i}].placeOfService", $"line {number} already has a place of service; information is added to a case, never replaced"));
                    else target[field] = value?.DeepClone();
                    continue;
                }
                if (field != "description") errors.Add(new InputError($"serviceLines[{i}].{field}", "only a line's description or place of service can be added to a case"));
                else if (target[field] is JsonValue existing && existing.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
                    errors.Add(new InputError($"serviceLines[{i}].description", $"line {number} already has a description; information is added to a case, never replaced"));
                else
                {
                    target[field] = value?.DeepClone();
                    describedLines.Add(number);
                }
            }
        }
    }
}
