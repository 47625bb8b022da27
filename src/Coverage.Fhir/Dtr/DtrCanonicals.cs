using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The canonical URLs of the DTR resources this payer serves, under its FHIR base, and their version: the digest of the
/// catalogue they were generated from. The same catalogue always gives the same resources, so a canonical with a
/// version names one questionnaire for as long as the server can load that catalogue (docs/dtr.md, "Versions").
/// <paramref name="AdaptiveForms"/>: the payer uses adaptive forms (Coverage:AdaptiveForms), so the canonicals it names
/// (CRD, a reviewer's request) and the package an order gets are each questionnaire's adaptive form.
/// </summary>
public sealed record DtrCanonicals(string FhirBase, bool AdaptiveForms = false)
{
    /// <summary>The id of the form of <paramref name="subject"/> this payer names: the adaptive one when it uses adaptive forms.</summary>
    public string FormId(QuestionnaireSubject subject) => AdaptiveForms ? subject.AdaptiveId : subject.Id;

    public string Questionnaire(string id) => $"{FhirBase}/Questionnaire/{id}";
    public string Library(string id) => $"{FhirBase}/Library/{id}";
    public string ValueSet(string id) => $"{FhirBase}/ValueSet/{id}";

    /// <summary>The questionnaire (canonical|version) whose answers can decide a line; none when documentation cannot change it.</summary>
    public IReadOnlyList<string> QuestionnairesFor(PolicyCatalogue catalogue, LineDetermination line) =>
        QuestionnaireSubject.For(catalogue, line) is { } subject ? [$"{Questionnaire(FormId(subject))}|{catalogue.Digest}"] : [];

    /// <summary>
    /// The questionnaires a reviewer's request for more information names (<see cref="QuestionnaireSubject.ForMissingFacts"/>):
    /// for each line whose missing facts a questionnaire asks, its canonical|version — the same canonical CRD and
    /// <c>$questionnaire-package</c> use, versioned by the catalogue the line was assessed with.
    /// </summary>
    public IReadOnlyList<RequestedQuestionnaire> QuestionnairesToComplete(PolicyCatalogue catalogue, Determination determination) =>
        [.. determination.Lines
            .Select(line => (line.Sequence, Subject: QuestionnaireSubject.ForMissingFacts(catalogue, line)))
            .Where(l => l.Subject is not null)
            .Select(l => new RequestedQuestionnaire(l.Sequence, $"{Questionnaire(FormId(l.Subject!))}|{catalogue.Digest}", l.Subject!.Title))];

    /// <summary>The id of a questionnaire this payer serves, from a canonical (url, or url|version); null for any other URL.</summary>
    public (string Id, string? Version)? QuestionnaireOf(string canonical) => ResourceOf(nameof(Hl7.Fhir.Model.Questionnaire), canonical);

    /// <summary>
    /// The id (and version, when the canonical names one) of a resource of <paramref name="type"/> under this payer's FHIR
    /// base, from a canonical (url, or url|version); null for any other URL or an id that is no FHIR id.
    /// </summary>
    public (string Id, string? Version)? ResourceOf(string type, string canonical)
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar < 0 ? canonical : canonical[..bar];
        var version = bar < 0 ? null : canonical[(bar + 1)..];
        var prefix = $"{FhirBase}/{type}/";
        if (!url.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var id = url[prefix.Length..];
        return IsId(id) ? (id, string.IsNullOrEmpty(version) ? null : version) : null;
    }

    /// <summary>FHIR's id syntax: 1 to 64 letters, digits, '-' and '.'.</summary>
    public static bool IsId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}

/// <summary>A questionnaire the provider is asked to complete for one line of a case: its canonical|version and its title.</summary>
public sealed record RequestedQuestionnaire(int Sequence, string Canonical, string Title);
