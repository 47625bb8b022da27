using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// How a fact a criterion reads is asked of the provider: the one mapping the determination's "facts needed" and the
/// DTR questionnaires share. A derived fact is asked for through what it is derived from: the birth date, the date
/// the time counts from, the list a count counts, the request's sex or place of service.
/// </summary>
public static class FactsAsked
{
    /// <summary>How the member's age is asked for: through the birth date it is derived from.</summary>
    public const string BirthDateFact = "member.birthDate";
    /// <summary>How the member's sex is asked for: the request's own field.</summary>
    public const string SexFact = "member.sex";
    /// <summary>How the place of service is asked for: the request's field (a line may state its own).</summary>
    public const string PlaceOfServiceFact = "placeOfService";

    /// <summary>What to ask for a fact a criterion reads (<paramref name="fact"/> as the condition names it), serving <paramref name="criteria"/>.</summary>
    public static FactNeeded For(string fact, IReadOnlyList<string> criteria, FactDefinitions facts)
    {
        if (fact == DiagnosisIn.FactName)
            return new FactNeeded(fact, "diagnosis", null, [], "The diagnoses (ICD-10-CM)", criteria);
        var definition = facts.Find(fact)!;
        return definition.DerivedFrom switch
        {
            FactDefinitions.AgeOnDateOfService => new FactNeeded(BirthDateFact, "date", null, [], definition.Documentation, criteria),
            FactDefinitions.TimeSince or FactDefinitions.Count => Asked(facts.Find(definition.Of!)!, criteria),
            FactDefinitions.MemberSex => new FactNeeded(SexFact, "code", null, FactDefinitions.Sexes, definition.Documentation, criteria),
            FactDefinitions.PlaceOfService => new FactNeeded(PlaceOfServiceFact, "code", null, definition.Values, definition.Documentation, criteria),
            _ => Asked(definition, criteria),
        };
    }

    private static FactNeeded Asked(FactDefinition fact, IReadOnlyList<string> criteria) =>
        new(fact.Name, fact.Type.ToString().ToLowerInvariant(), fact.Unit, fact.Values, fact.Documentation, criteria);
}
