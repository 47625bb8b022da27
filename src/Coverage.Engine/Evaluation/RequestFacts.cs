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

    /// <summary>Whole years on the date (<see cref="MemberAge"/>).</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly date) => MemberAge.On(birthDate, date);
}
