using Coverage.Engine.Catalogue;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The DTR resources this payer serves, one at a time (FHIR read and search, which a DTR client uses to resolve a
/// canonical it was given): exactly what <c>$questionnaire-package</c> would put in a package, generated from one
/// catalogue — every questionnaire the catalogue defines (<see cref="QuestionnaireSubject.All"/>) in its standard and its
/// adaptive form, the pre-population
/// Library of each that has one, and the ValueSets their items bind. Nothing else is served under these types.
/// </summary>
public static class DtrResources
{
    /// <summary>The resource types served.</summary>
    public static readonly IReadOnlyList<string> Types = [nameof(Questionnaire), nameof(Library), nameof(ValueSet)];

    /// <summary>The resource of <paramref name="type"/> with this id generated from the catalogue, or null.</summary>
    public static Resource? Find(string type, string id, PolicyCatalogue catalogue, DtrCanonicals canonicals, DateTimeOffset now)
    {
        if (type is nameof(Questionnaire) or nameof(Library))
        {
            // A Library has its (standard) questionnaire's id; an adaptive form has its own.
            if (QuestionnaireSubject.Find(catalogue, id) is not { } subject) return null;
            var generated = QuestionnaireBuilder.Build(subject, catalogue, canonicals, now);
            if (id != subject.Id)
                return type == nameof(Questionnaire) ? AdaptiveQuestionnaire.Build(generated.Questionnaire, subject, canonicals) : null;
            return type == nameof(Questionnaire) ? generated.Questionnaire : generated.Library;
        }
        return All(type, catalogue, canonicals, now).FirstOrDefault(r => r.Id == id);
    }

    /// <summary>Every resource of <paramref name="type"/> the catalogue generates, each once, in the catalogue's order.</summary>
    public static IReadOnlyList<Resource> All(string type, PolicyCatalogue catalogue, DtrCanonicals canonicals, DateTimeOffset now)
    {
        var found = new List<Resource>();
        foreach (var subject in QuestionnaireSubject.All(catalogue))
        {
            var generated = QuestionnaireBuilder.Build(subject, catalogue, canonicals, now);
            IEnumerable<Resource> ofType = type switch
            {
                nameof(Questionnaire) => [generated.Questionnaire, AdaptiveQuestionnaire.Build(generated.Questionnaire, subject, canonicals)],
                nameof(Library) => generated.Library is { } library ? [library] : [],
                nameof(ValueSet) => generated.ValueSets,
                _ => [],
            };
            foreach (var resource in ofType)
                if (found.All(r => r.Id != resource.Id)) found.Add(resource);
        }
        return found;
    }
}
