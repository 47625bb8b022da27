using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// What an adaptive form's response may answer: only the questions its contained Questionnaire asks, each once, and that
/// Questionnaire only questions this payer's form asks. An answer to anything else would be passed over — or, when its
/// linkId happened to name a clinical fact, read as one though no question asked it — so it is refused, naming the item
/// (SDC: a QuestionnaireResponse's items are the items of its Questionnaire; our forms' items are flat, one per
/// question, so an item nested in another answers nothing either). A response with no contained Questionnaire (a first
/// call that only names the canonical) has been asked nothing yet. Since every answer must match a question of the form,
/// the form's questions also bound how much a response can hold; the problems listed are bounded as the fact reader's are.
/// A question that does not repeat takes one answer (FHIR: <c>Questionnaire.item.repeats</c>), whether its answers agree or
/// not — the form's own definition says which repeat, never the copy the client sends back — so that no answer is read
/// first and the others passed over.
/// </summary>
public static class AdaptiveAnswers
{
    /// <param name="questionsOfTheForm">Each question of the form by its linkId, and whether it repeats (takes more than one answer).</param>
    public static List<FhirProblem> Check(QuestionnaireResponse response, Questionnaire? contained, IReadOnlyDictionary<string, bool> questionsOfTheForm)
    {
        var problems = new List<FhirProblem>();
        var asked = new HashSet<string>(StringComparer.Ordinal);
        if (contained is not null)
        {
            var where = $"QuestionnaireResponse.contained[{response.Contained.IndexOf(contained)}]";
            for (var i = 0; i < contained.Item.Count; i++)
            {
                var item = contained.Item[i];
                var path = $"{where}.item[{i}]";
                // A question refused here is still counted as asked: its answer is not refused a second time.
                if (item.LinkId is { } linkId && !asked.Add(linkId))
                    problems.Add(new FhirProblem($"{path}.linkId: '{InputEcho.Truncate(linkId)}' is asked twice", $"{path}.linkId"));
                else if (item.LinkId is null || !questionsOfTheForm.ContainsKey(item.LinkId))
                    problems.Add(new FhirProblem($"{path}.linkId: '{InputEcho.Truncate(item.LinkId)}' is not a question of this form; the questions come from $next-question", $"{path}.linkId"));
                if (item.Item.Count > 0)
                    problems.Add(new FhirProblem($"{path}.item: this form's questions hold no items of their own", $"{path}.item"));
            }
        }

        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < response.Item.Count; i++)
        {
            var item = response.Item[i];
            var path = $"QuestionnaireResponse.item[{i}]";
            if (item.LinkId is not { } linkId || !asked.Contains(linkId))
                problems.Add(new FhirProblem(contained is null
                    ? $"{path}.linkId: '{InputEcho.Truncate(item.LinkId)}' answers no question: no question has been asked yet (the response has no contained Questionnaire)"
                    : $"{path}.linkId: '{InputEcho.Truncate(item.LinkId)}' is not a question of the form '#{contained.Id}'; answer only the questions $next-question has asked", $"{path}.linkId"));
            else if (!answered.Add(linkId))
                problems.Add(new FhirProblem($"{path}.linkId: '{InputEcho.Truncate(linkId)}' is answered in two items; answer each question once", $"{path}.linkId"));
            else if (item.Answer.Count > 1 && !questionsOfTheForm[linkId])
                problems.Add(new FhirProblem($"{path}.answer: '{InputEcho.Truncate(linkId)}' takes one answer (the question does not repeat); this item has {item.Answer.Count}", $"{path}.answer"));
            if (item.Item.Count > 0)
                problems.Add(new FhirProblem($"{path}.item: this form's questions hold no items of their own", $"{path}.item"));
            for (var a = 0; a < item.Answer.Count; a++)
                if (item.Answer[a].Item.Count > 0)
                    problems.Add(new FhirProblem($"{path}.answer[{a}].item: this form's questions hold no items of their own", $"{path}.answer[{a}].item"));
        }
        return problems.Count <= ClinicalFactReader.MaxProblems ? problems : problems[..ClinicalFactReader.MaxProblems];
    }
}
