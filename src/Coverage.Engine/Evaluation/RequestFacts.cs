using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// The facts criteria read: the request's clinical facts, its diagnoses, and the facts derived from them on the
/// date of service (the member's age; the time since a stated date). One instance per thread is reused line after line.
/// </summary>
internal sealed class RequestFacts : IFactSource
{
    private ClinicalFacts _clinical = ClinicalFacts.None;
    private IReadOnlyList<string> _diagnoses = [];
    private string? _ageFact;
    private int? _ageYears;
    private DateOnly _dateOfService;
    private FactDefinition[] _timeSince = [];

    public IReadOnlyList<string> Diagnoses => _diagnoses;

    public RequestFacts Set(ClinicalFacts clinical, string? ageFact, int? ageYears)
    {
        _clinical = clinical;
        _ageFact = ageFact;
        _ageYears = ageYears;
        _diagnoses = [];
        _timeSince = [];
        return this;
    }

    /// <summary>Everything a statement's criteria may read for one line.</summary>
    public RequestFacts Set(CoverageRequest request, DateOnly dateOfService, string? ageFact, FactDefinition[] timeSince)
    {
        _clinical = request.Clinical;
        _diagnoses = request.Diagnoses;
        _ageFact = ageFact;
        _ageYears = request.Member.BirthDate is { } birth ? MemberAge.On(birth, dateOfService) : null;
        _dateOfService = dateOfService;
        _timeSince = timeSince;
        return this;
    }

    public bool TryGet(string name, out FactValue value)
    {
        if (name == _ageFact)
        {
            value = _ageYears is { } age ? FactValue.Of(age) : default;
            return _ageYears is not null;
        }
        for (var i = 0; i < _timeSince.Length; i++) // not foreach: no enumerator per read
        {
            var derived = _timeSince[i];
            if (derived.Name != name) continue;
            if (!_clinical.TryGet(derived.Of!, out var date))
            {
                value = default;
                return false;
            }
            value = FactValue.Of(Elapsed(date.Date, _dateOfService, derived.Unit!));
            return true;
        }
        return _clinical.TryGet(name, out value);
    }

    /// <summary>
    /// Whole days, months or years from <paramref name="from"/> to <paramref name="to"/>, rounded down: a date after
    /// <paramref name="to"/> gives a negative number (a day later is −1 day, −1 month, −1 year), never 0.
    /// </summary>
    public static int Elapsed(DateOnly from, DateOnly to, string unit)
    {
        if (to < from)
        {
            var back = Elapsed(to, from, unit);
            var exact = unit switch
            {
                "days" => true,
                "years" => to.AddYears(back) == from,
                _ => to.AddMonths(back) == from,
            };
            return exact ? -back : -(back + 1);
        }
        return unit switch
        {
            "days" => to.DayNumber - from.DayNumber,
            "years" => MemberAge.On(from, to),
            _ => WholeMonths(from, to),
        };
    }

    /// <summary>Whole calendar months: 15 January to 14 February is 0, to 15 February 1; 31 January to 28 February is 1 (a day the month lacks is reached on its last day).</summary>
    private static int WholeMonths(DateOnly from, DateOnly to)
    {
        var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
        // A start day that the end month lacks (31st in a 30-day month) is reached on the month's last day.
        var day = Math.Min(from.Day, DateTime.DaysInMonth(to.Year, to.Month));
        return to.Day < day ? months - 1 : months;
    }

    /// <summary>Whole years on the date (<see cref="MemberAge"/>).</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly date) => MemberAge.On(birthDate, date);
}
