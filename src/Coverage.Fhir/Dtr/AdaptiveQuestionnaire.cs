using System.Net;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The adaptive form of a questionnaire as <c>$questionnaire-package</c> gives it (DTR 2.0.1: "When a payer uses an
/// Adaptive Form, they SHALL return a questionnaire instance compliant with the DTR AdaptiveQuestionnaire-Search
/// profile"): no items, <c>questionnaireAdaptive</c> true (the client asks this server's <c>$next-question</c>), and the
/// standard form's <c>cqf-library</c> and launch context, so the Library in the same package pre-populates the questions
/// as they come. Its own canonical (<see cref="QuestionnaireSubject.AdaptiveId"/>) and the catalogue digest as version;
/// the client sends <c>$next-question</c> a QuestionnaireResponse whose contained Questionnaire derives from it.
/// </summary>
public static class AdaptiveQuestionnaire
{
    public const string SearchProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaire-adapt-search";

    public static Questionnaire Build(Questionnaire standard, QuestionnaireSubject subject, DtrCanonicals canonicals)
    {
        var adaptive = new Questionnaire
        {
            Id = subject.AdaptiveId,
            Meta = new Meta { Profile = [SearchProfile] },
            Url = canonicals.Questionnaire(subject.AdaptiveId),
            Version = standard.Version,
            Name = standard.Name + "Adaptive",
            Title = standard.Title,
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            Description = standard.Description,
        };
        adaptive.Extension.Add(new Extension(NextQuestion.QuestionnaireAdaptive, new FhirBoolean(true)));
        adaptive.Extension.AddRange(PrepopulationExtensions(standard));
        adaptive.Text = new Narrative
        {
            Status = Narrative.NarrativeStatus.Generated,
            Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{WebUtility.HtmlEncode(standard.Title)}</p><p>Adaptive: the questions that can still change the outcome come one at a time from $next-question.</p></div>",
        };
        return adaptive;
    }

    /// <summary>The standard form's pre-population extensions (cqf-library, launch context), copied.</summary>
    public static IEnumerable<Extension> PrepopulationExtensions(Questionnaire standard) =>
        standard.Extension.Where(e => e.Url is QuestionnaireBuilder.CqfLibrary or QuestionnaireBuilder.LaunchContext).Select(e => (Extension)e.DeepCopy());
}
