using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The diagnoses a QuestionnaireResponse answers: the item whose linkId is <see cref="DiagnosisIn.FactName"/> (the
/// questionnaire's repeating open-choice diagnoses question), each answer an ICD-10-CM <c>valueCoding</c> — as the DTR
/// client fills it from the record's Conditions, or the provider types it. Read exactly: an answer that is not an
/// ICD-10-CM coding (another code system, free text, a code of another shape) is a problem naming the answer, never a
/// diagnosis guessed from it. One reader for the information document (REST, PAS) and for <c>$next-question</c>.
/// </summary>
public static class DiagnosisAnswers
{
    /// <summary>One diagnosis answered: its code in display form (C79.51), its DTR information-origin, and the question's text.</summary>
    public sealed record Answer(string Code, string Origin, string? Question);

    public static IReadOnlyList<Answer> Read(QuestionnaireResponse response, string path, List<FhirProblem> problems)
    {
        var found = new List<Answer>();
        // A response entered in error or stopped states nothing (as the fact reader treats it).
        if (response.Status is QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError or QuestionnaireResponse.QuestionnaireResponseStatus.Stopped) return found;
        for (var i = 0; i < response.Item.Count; i++)
        {
            var item = response.Item[i];
            if (item.LinkId != DiagnosisIn.FactName) continue;
            for (var a = 0; a < item.Answer.Count; a++)
            {
                var answer = item.Answer[a];
                var at = $"{path}.item[{i}].answer[{a}]";
                switch (answer.Value)
                {
                    case null:
                        continue;
                    case Coding { System: FhirSystems.Icd10Cm, Code: { } code } when CodeFormats.IsIcd10Cm(code):
                        var display = CodeFormats.DisplayIcd10(CodeFormats.NormaliseIcd10(code));
                        if (found.All(f => f.Code != display))
                            found.Add(new Answer(display, OriginOf(answer), string.IsNullOrWhiteSpace(item.Text) ? null : Bounded(item.Text)));
                        break;
                    case Coding coding:
                        problems.Add(new FhirProblem(
                            $"{at}.valueCoding: a diagnosis is an ICD-10-CM coding (system {FhirSystems.Icd10Cm}, a code such as C50.411); " +
                            $"'{InputEcho.Truncate(coding.System)}|{InputEcho.Truncate(coding.Code)}' is not one", $"{at}.valueCoding"));
                        break;
                    default:
                        problems.Add(new FhirProblem(
                            $"{at}.value{char.ToUpperInvariant(answer.Value.TypeName[0])}{answer.Value.TypeName[1..]}: a diagnosis is answered as an ICD-10-CM valueCoding " +
                            $"(system {FhirSystems.Icd10Cm}); a {answer.Value.TypeName} cannot be read as one", $"{at}.value{char.ToUpperInvariant(answer.Value.TypeName[0])}{answer.Value.TypeName[1..]}"));
                        break;
                }
            }
        }
        return found;
    }

    /// <summary>The key under which an information document keeps what it says of one diagnosis (its origin, its question).</summary>
    public static string FieldOf(string code) => $"{DiagnosisIn.FactName}.{code}";

    private static string OriginOf(QuestionnaireResponse.AnswerComponent answer) =>
        answer.GetExtension(ClinicalFactReader.InformationOrigin)?.GetExtension("source")?.Value is Code { Value: { } source } ? source : "unstated";

    private static string Bounded(string text) => text.Length <= ClinicalFactReader.MaxQuestionLength ? text : text[..ClinicalFactReader.MaxQuestionLength];
}
