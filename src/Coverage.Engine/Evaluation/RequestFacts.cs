using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>The facts criteria read: the request's clinical facts plus the member's age on the date of service.</summary>
internal sealed class RequestFacts(ClinicalFacts clinical, string? ageFact, int? ageYears) : IFactSource
{
    public bool TryGet(string name, out FactValue value)
    {
        if (name == ageFact)
        {
            value = ageYears is { } age ? FactValue.Of(age) : default;
            return ageYears is not null;
        }
        return clinical.TryGet(name, out value);
    }

    /// <summary>
    /// Whole years on the date. Someone born on 29 February turns a year older on 1 March in common
    /// years (docs/decisions.md).
    /// </summary>
    public static int AgeOn(DateOnly birthDate, DateOnly date)
    {
        var age = date.Year - birthDate.Year;
        if (date.Month < birthDate.Month || (date.Month == birthDate.Month && date.Day < birthDate.Day)) age--;
        return age;
    }
}
