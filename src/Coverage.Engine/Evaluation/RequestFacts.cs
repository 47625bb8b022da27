using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// The facts criteria read: the request's clinical facts plus the member's age on the date of service.
/// One instance per thread is reused line after line (<see cref="Set"/>).
/// </summary>
internal sealed class RequestFacts : IFactSource
{
    private ClinicalFacts _clinical = ClinicalFacts.None;
    private string? _ageFact;
    private int? _ageYears;

    public RequestFacts Set(ClinicalFacts clinical, string? ageFact, int? ageYears)
    {
        _clinical = clinical;
        _ageFact = ageFact;
        _ageYears = ageYears;
        return this;
    }

    public bool TryGet(string name, out FactValue value)
    {
        if (name == _ageFact)
        {
            value = _ageYears is { } age ? FactValue.Of(age) : default;
            return _ageYears is not null;
        }
        return _clinical.TryGet(name, out value);
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
