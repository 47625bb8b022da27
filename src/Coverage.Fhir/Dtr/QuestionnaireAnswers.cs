using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// A DTR QuestionnaireResponse as the information a pended case takes (the REST information endpoint's document):
/// <c>clinical</c> from the answers whose linkId is a fact (the one fact reader), <c>member.birthDate</c> from the
/// birth-date question, <c>diagnoses</c> from the diagnoses question (<see cref="DiagnosisAnswers"/>), <c>informationOrigin</c> — each value's DTR information-origin (auto, override, manual) —,
/// <c>questions</c> — the text of the question each value answered, as the form showed it — and <c>questionnaire</c>,
/// the canonical the response answers: kept with the addition for reviewers. The REST information endpoint and PAS
/// <c>$submit</c> (a QuestionnaireResponse in <c>Claim.supportingInfo</c>) keep the same document.
/// </summary>
public static class QuestionnaireAnswers
{
    public static JsonObject? ToInformation(QuestionnaireResponse response, FactDefinitions facts, string path, out IReadOnlyList<FhirProblem> problems)
    {
        var reader = new ClinicalFactReader(facts);
        reader.ReadQuestionnaireResponse(response, path);
        var found = new List<FhirProblem>(reader.Problems);
        var information = new JsonObject();
        var origins = new JsonObject();
        var questions = new JsonObject();
        var clinical = reader.Clinical();
        if (clinical.Count > 0) information["clinical"] = clinical;
        foreach (var (fact, origin) in reader.Origins) origins[fact] = origin;
        foreach (var (fact, text) in reader.Questions) questions[fact] = text;
        // The birth date, read exactly as a clinical fact is: one answer per item, and a second item that states it
        // must agree with the first (never the first or the last answer taken and the others passed over).
        (string Value, string Path)? born = null;
        for (var i = 0; i < response.Item.Count; i++)
        {
            var item = response.Item[i];
            if (item.LinkId != FactsAsked.BirthDateFact || item.Answer.Count == 0) continue;
            var at = $"{path}.item[{i}]";
            if (item.Answer.Count > 1)
                found.Add(new FhirProblem($"{at}.answer: the birth date takes one answer; this item has {item.Answer.Count}", $"{at}.answer"));
            else if (item.Answer[0].Value is not Date { Value: { Length: 10 } birthDate })
                found.Add(new FhirProblem($"{at}.answer[0]: the birth date is a full date (valueDate yyyy-MM-dd)", $"{at}.answer[0]"));
            else if (born is { } first && first.Value != birthDate)
                found.Add(new FhirProblem($"{at}.answer[0].valueDate: the birth date is stated twice with different values: {birthDate} here and {first.Value} at {first.Path}", $"{at}.answer[0].valueDate"));
            else if (born is null)
            {
                born = (birthDate, $"{at}.answer[0].valueDate");
                information["member"] = new JsonObject { ["birthDate"] = birthDate };
                origins[FactsAsked.BirthDateFact] = OriginOf(item.Answer[0]);
                if (!string.IsNullOrWhiteSpace(item.Text)) questions[FactsAsked.BirthDateFact] = Bounded(item.Text, ClinicalFactReader.MaxQuestionLength);
            }
        }
        var diagnoses = DiagnosisAnswers.Read(response, path, found);
        if (diagnoses.Count > 0)
        {
            information["diagnoses"] = new JsonArray([.. diagnoses.Select(d => (JsonNode)d.Code)]);
            foreach (var diagnosis in diagnoses)
            {
                origins[DiagnosisAnswers.FieldOf(diagnosis.Code)] = diagnosis.Origin;
                if (diagnosis.Question is { } question) questions[DiagnosisAnswers.FieldOf(diagnosis.Code)] = question;
            }
        }
        if (origins.Count > 0) information["informationOrigin"] = origins;
        if (questions.Count > 0) information["questions"] = questions;
        if (!string.IsNullOrWhiteSpace(response.Questionnaire) && information.Count > 0)
            information["questionnaire"] = Bounded(response.Questionnaire, MaxCanonicalLength);
        problems = found;
        return found.Count > 0 ? null : information;
    }

    /// <summary>The longest questionnaire canonical kept (with its version).</summary>
    public const int MaxCanonicalLength = 1000;

    /// <summary>What the form said, cut to what a reviewer's table holds rather than refused: it names, it does not decide.</summary>
    private static string Bounded(string text, int length) => text.Length <= length ? text : text[..length];

    private static string OriginOf(QuestionnaireResponse.AnswerComponent answer) =>
        answer.GetExtension(ClinicalFactReader.InformationOrigin)?.GetExtension("source")?.Value is Code { Value: { } source } ? source : "unstated";
}
