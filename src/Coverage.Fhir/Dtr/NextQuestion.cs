using System.Globalization;
using System.Net;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// SDC/DTR <c>Questionnaire/$next-question</c> (adaptive form): the client sends the QuestionnaireResponse so far (bare,
/// or as the Parameters' <c>in</c>), holding a contained Questionnaire derived from one of this payer's questionnaire
/// canonicals (or naming the canonical in <c>questionnaire</c> on the first call). The server reads the answers as
/// facts, evaluates the criteria in the same three-valued logic as the evaluator, and adds the next question: the first,
/// in criteria order, not yet asked whose fact a still-unknown criterion reads. When the criteria are decided — or
/// nothing left to ask could decide them — the response comes back completed. The logic stays here; a rule change needs
/// no form change.
/// </summary>
public static class NextQuestion
{
    public const string QuestionnaireAdaptive = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive";
    public const string AdaptiveProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaire-adapt";
    /// <summary>The id of the contained Questionnaire that grows one question at a time.</summary>
    public const string ContainedId = "adaptive";

    public static async Task<(QuestionnaireResponse? Response, OperationOutcome? Error, int Status)> RunAsync(
        Resource input, Evaluator current, QuestionnairePackage.CatalogueByDigest catalogues, TimeProvider time, DtrCanonicals canonicals)
    {
        // $next-question takes one input, 'in' (SDC 3.0 OperationDefinition Questionnaire-next-question: 1..1): a second
        // 'in', or another name, was passed over and the first answered.
        if (input is Parameters given && given.Parameter.Count(p => p.Name == "in") is var ins
            && (ins > 1 || given.Parameter.Count > ins))
            return Fail(ins > 1 ? $"Parameters.parameter: 'in' is given {ins} times; $next-question takes one QuestionnaireResponse"
                : "Parameters.parameter: $next-question takes one input, 'in' (the QuestionnaireResponse so far)", "Parameters.parameter");
        var response = input switch
        {
            QuestionnaireResponse bare => bare,
            Parameters parameters => parameters.Parameter.FirstOrDefault(p => p.Name == "in")?.Resource as QuestionnaireResponse,
            _ => null,
        };
        if (response is null)
            return Fail("Send the QuestionnaireResponse so far, bare or as the Parameters' 'in' parameter", input is Parameters ? "Parameters.parameter" : input.TypeName);
        response = (QuestionnaireResponse)response.DeepCopy();

        var contained = response.Contained.OfType<Questionnaire>().FirstOrDefault(q => response.Questionnaire == "#" + q.Id)
            ?? response.Contained.OfType<Questionnaire>().FirstOrDefault();
        var canonical = contained?.DerivedFrom.FirstOrDefault() ?? response.Questionnaire;
        var where = contained is null ? "QuestionnaireResponse.questionnaire" : $"QuestionnaireResponse.contained[{response.Contained.IndexOf(contained)}].derivedFrom";
        if (canonical is null || canonicals.QuestionnaireOf(canonical) is not { } named)
            return Fail($"{where}: name one of this payer's questionnaires (under {canonicals.Questionnaire("")})", where);
        var catalogue = named.Version is null ? current.Catalogue : await catalogues(named.Version);
        if (catalogue is null)
            return Fail($"{where}: version '{named.Version}' was generated from a catalogue this server no longer holds; start again with the current questionnaire", where, OperationOutcome.IssueType.NotFound, 404);
        if (QuestionnaireSubject.Find(catalogue, named.Id) is not { } subject)
            return Fail($"{where}: this payer has no questionnaire '{named.Id}'", where, OperationOutcome.IssueType.NotFound, 404);
        var evaluator = ReferenceEquals(catalogue, current.Catalogue) ? current : new Evaluator(catalogue, time);
        var questions = subject.Questions(catalogue.Facts);
        var unasked = AdaptiveAnswers.Check(response, contained, questions.ToDictionary(q => q.Fact, QuestionnaireBuilder.Repeats, StringComparer.Ordinal));
        if (unasked.Count > 0) return (null, Outcomes.Invalid(unasked.Select(p => (p.Message, (string?)p.Expression))), 400);

        // The answers as facts, read exactly (the same reader as PAS and CRD), and within the catalogue's ranges.
        var reader = new ClinicalFactReader(catalogue.Facts);
        reader.ReadQuestionnaireResponse(response, "QuestionnaireResponse");
        var read = reader.Facts();
        var problems = reader.Problems.Select(p => (p.Message, (string?)p.Expression))
            .Concat(OutOfRange(read, catalogue.Facts, reader)).ToList();
        if (problems.Count > 0) return (null, Outcomes.Invalid(problems), 400);
        var member = MemberAnswers(response, out var memberProblem);
        if (memberProblem is not null) return Fail(memberProblem.Value.Message, memberProblem.Value.Expression);
        var diagnosisProblems = new List<FhirProblem>();
        var diagnoses = DiagnosisAnswers.Read(response, "QuestionnaireResponse", diagnosisProblems).Select(d => CodeFormats.NormaliseIcd10(d.Code)).ToList();
        if (diagnosisProblems.Count > 0) return (null, Outcomes.Invalid(diagnosisProblems.Select(p => (p.Message, (string?)p.Expression))), 400);

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var facts = evaluator.FactsOf(ClinicalFacts.From(read), diagnoses, member.BirthDate, member.Sex, today);
        var results = new CriterionResult[subject.Criteria.Criteria.Count()];
        var truth = subject.Criteria.Evaluate(facts, results);

        contained ??= NewContained(subject, canonical, response);
        var asked = contained.Item.Select(i => i.LinkId).ToHashSet(StringComparer.Ordinal);
        var criteria = subject.Criteria.Criteria.ToList();
        var next = truth != Truth.Unknown ? null : questions.FirstOrDefault(q =>
            !asked.Contains(q.Fact) && q.Criteria.Any(id => results[criteria.First(c => c.Id == id).Index] == CriterionResult.Unknown));
        if (next is null)
        {
            response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed;
            return (response, null, 200);
        }
        // The question as the standard form asks it, with its initialExpression into the same Library (which the
        // package of the adaptive form carries), and the form names that Library as the standard one does.
        var standard = QuestionnaireBuilder.Build(subject, catalogue, canonicals, time.GetUtcNow());
        foreach (var extension in AdaptiveQuestionnaire.PrepopulationExtensions(standard.Questionnaire))
            if (contained.Extension.All(e => e.Url != extension.Url)) contained.Extension.Add(extension);
        var valueSets = new List<ValueSet>();
        var item = QuestionnaireBuilder.Item(next, catalogue.Facts, canonicals, catalogue.Digest, standard.Library, valueSets, time.GetUtcNow());
        foreach (var valueSet in valueSets)
        {
            // The answers' ValueSet travels with the response (DTR: contained in the QuestionnaireResponse).
            if (response.Contained.All(r => r.Id != valueSet.Id)) response.Contained.Add(valueSet);
            item.AnswerValueSet = "#" + valueSet.Id;
        }
        contained.Item.Add(item);
        contained.Text = Narrative(contained);
        response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress;
        return (response, null, 200);
    }

    private static IEnumerable<(string, string?)> OutOfRange(List<KeyValuePair<string, FactValue>> read, FactDefinitions definitions, ClinicalFactReader reader)
    {
        foreach (var (name, value) in read)
            if (definitions.Find(name) is { Type: FactType.Number } fact && (value.Number < fact.Minimum || value.Number > fact.Maximum))
                yield return ($"{reader.PathOf(name)}: {value} is outside what '{name}' can be ({fact.Minimum?.ToString(CultureInfo.InvariantCulture) ?? "…"} to {fact.Maximum?.ToString(CultureInfo.InvariantCulture) ?? "…"}{(fact.Unit is null ? "" : " " + fact.Unit)})", reader.PathOf(name));
    }

    private sealed record Member(DateOnly? BirthDate, string? Sex);

    /// <summary>The answers that are the member's own fields: birth date and sex (the diagnoses: <see cref="DiagnosisAnswers"/>).</summary>
    private static Member MemberAnswers(QuestionnaireResponse response, out (string Message, string Expression)? problem)
    {
        problem = null;
        DateOnly? birthDate = null;
        string? sex = null;
        for (var i = 0; i < response.Item.Count; i++)
        {
            var item = response.Item[i];
            var path = $"QuestionnaireResponse.item[{i}].answer[0]";
            var answer = item.Answer.FirstOrDefault()?.Value;
            switch (item.LinkId)
            {
                case FactsAsked.BirthDateFact when answer is Date { Value: { Length: 10 } text }:
                    birthDate = DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                    break;
                case FactsAsked.BirthDateFact when answer is not null:
                    problem = ($"{path}: the birth date is a full date (valueDate yyyy-MM-dd)", path);
                    break;
                case FactsAsked.SexFact when answer is Coding { Code: { } code }:
                    sex = code;
                    break;
            }
        }
        return new Member(birthDate, sex);
    }

    private static Questionnaire NewContained(QuestionnaireSubject subject, string canonical, QuestionnaireResponse response)
    {
        var questionnaire = new Questionnaire
        {
            Id = ContainedId,
            Meta = new Meta { Profile = [AdaptiveProfile] },
            Title = subject.Title,
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            DerivedFrom = [canonical],
        };
        questionnaire.Extension.Add(new Extension(QuestionnaireAdaptive, new FhirBoolean(true)));
        response.Contained.Insert(0, questionnaire);
        response.Questionnaire = "#" + ContainedId;
        return questionnaire;
    }

    private static Narrative Narrative(Questionnaire questionnaire)
    {
        var div = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>").Append(WebUtility.HtmlEncode(questionnaire.Title)).Append("</p><ol>");
        foreach (var item in questionnaire.Item) div.Append("<li>").Append(WebUtility.HtmlEncode(item.Text)).Append("</li>");
        return new Narrative { Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Generated, Div = div.Append("</ol></div>").ToString() };
    }

    private static (QuestionnaireResponse?, OperationOutcome?, int) Fail(string message, string expression, OperationOutcome.IssueType type = OperationOutcome.IssueType.Invalid, int status = 400) =>
        (null, Outcomes.Of(type, message, expression), status);
}
