using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// The facts criteria read: the request's clinical facts, its diagnoses, and the facts derived from them for the
/// line (the member's age and the time since a stated date on the date of service; how many codes a list holds;
/// the member's sex; the line's place of service). One instance per thread is reused line after line.
/// </summary>
internal sealed class RequestFacts : IFactSource
{
    private ClinicalFacts _clinical = ClinicalFacts.None;
    private IReadOnlyList<string> _diagnoses = [];
    private string? _ageFact;
    private int? _ageYears;
    private DateOnly _dateOfService;
    private string? _sex;
    private string? _placeOfService;
    private FactDefinition[] _derived = [];

    public IReadOnlyList<string> Diagnoses => _diagnoses;

    public RequestFacts Set(ClinicalFacts clinical, string? ageFact, int? ageYears)
    {
        _clinical = clinical;
        _ageFact = ageFact;
        _ageYears = ageYears;
        _diagnoses = [];
        _derived = [];
        return this;
    }

    /// <summary>What criteria may read from answers given without a request (DTR's adaptive questions): no line, no place of service.</summary>
    public RequestFacts Set(ClinicalFacts clinical, IReadOnlyList<string> diagnoses, DateOnly? birthDate, string? sex, DateOnly dateOfService, string? ageFact, FactDefinition[] derived)
    {
        _clinical = clinical;
        _diagnoses = diagnoses;
        _ageFact = ageFact;
        _ageYears = birthDate is { } birth ? MemberAge.On(birth, dateOfService) : null;
        _dateOfService = dateOfService;
        _sex = sex;
        _placeOfService = null;
        _derived = derived;
        return this;
    }

    /// <summary>Everything a statement's criteria may read for one line.</summary>
    public RequestFacts Set(CoverageRequest request, ServiceLine line, DateOnly dateOfService, string? ageFact, FactDefinition[] derived)
    {
        _clinical = request.Clinical;
        _diagnoses = request.Diagnoses;
        _ageFact = ageFact;
        _ageYears = request.Member.BirthDate is { } birth ? MemberAge.On(birth, dateOfService) : null;
        _dateOfService = dateOfService;
        _sex = request.Member.Sex;
        _placeOfService = request.PlaceOfServiceOf(line);
        _derived = derived;
        return this;
    }

    public bool TryGet(string name, out FactValue value)
    {
        if (name == _ageFact)
        {
            value = _ageYears is { } age ? FactValue.Of(age) : default;
            return _ageYears is not null;
        }
        for (var i = 0; i < _derived.Length; i++) // not foreach: no enumerator per read
        {
            var derived = _derived[i];
            if (derived.Name == name) return TryDerive(derived, out value);
        }
        return _clinical.TryGet(name, out value);
    }

    private bool TryDerive(FactDefinition derived, out FactValue value)
    {
        value = default;
        switch (derived.DerivedFrom)
        {
            case FactDefinitions.TimeSince:
                if (!_clinical.TryGet(derived.Of!, out var date)) return false;
                value = FactValue.Of(Elapsed(date.Date, _dateOfService, derived.Unit!));
                return true;
            case FactDefinitions.Count:
                if (!_clinical.TryGet(derived.Of!, out var list)) return false;
                value = FactValue.Of(Count(list.Items!, derived.Counting));
                return true;
            case FactDefinitions.MemberSex:
                if (_sex is null) return false;
                value = FactValue.OfCode(_sex);
                return true;
            default: // place of service
                if (_placeOfService is null) return false;
                value = FactValue.OfCode(_placeOfService);
                return true;
        }
    }

    /// <summary>The codes of a list (each stated once), or only those of <paramref name="counting"/> when it names some.</summary>
    public static int Count(IReadOnlyList<string> items, IReadOnlyList<string> counting)
    {
        if (counting.Count == 0) return items.Count;
        var count = 0;
        for (var i = 0; i < items.Count; i++)
            for (var j = 0; j < counting.Count; j++)
                if (string.Equals(items[i], counting[j], StringComparison.Ordinal)) { count++; break; }
        return count;
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
