using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Claims;

/// <summary>
/// A claim as a file states it, before validation: the 837P and CSV readers fill one, with where each value was
/// read. <see cref="ToRequest"/> gives the engine's <see cref="RequestDraft"/>, which <see cref="RequestValidator"/>
/// holds to the same rules as the JSON contract (a bad date or code becomes an input error naming the field), and
/// <see cref="Find"/> says which segment or line an error's field came from. Dates are YYYY-MM-DD text.
/// </summary>
internal sealed class ClaimDraft(RecordPosition start)
{
    public RecordPosition Start { get; } = start;
    public List<RecordError> Errors { get; } = [];

    public string? ClaimId { get; set; }
    public string? MemberId { get; set; }
    public RecordPosition? MemberIdAt { get; set; }
    public string? BirthDate { get; set; }
    public RecordPosition? BirthDateAt { get; set; }
    /// <summary>female, male or unknown, read where the birth date is (X12 DMG03).</summary>
    public string? Sex { get; set; }
    public string? PlaceOfService { get; set; }
    public RecordPosition? PlaceOfServiceAt { get; set; }
    public string? PlanId { get; set; }
    public RecordPosition? PlanIdAt { get; set; }
    public List<string> Diagnoses { get; } = [];
    /// <summary>Where each diagnosis was read; null while they all come from <see cref="Start"/> (a CSV claim's first row).</summary>
    private List<RecordPosition>? _diagnosesAt;
    public List<ClaimLineDraft> Lines { get; } = [];
    public bool TooManyLines { get; set; }

    /// <summary>Where the claim's date of service (the line date <see cref="ToRequest"/> chose) was read.</summary>
    private RecordPosition? _dateAt;

    /// <summary>A record keeps at most this many problems, so that a pathological claim cannot grow without bound.</summary>
    public const int MaxErrors = 100;

    /// <summary>A claim holds at most this many lines (the 837P allows 50); beyond them it is rejected, not held.</summary>
    public const int MaxLines = 999;

    /// <summary>
    /// A claim holds at most this many diagnoses, and a line this many modifiers; beyond them it is rejected, not held.
    /// The request rules accept 25 diagnoses and 4 modifiers, and say how many a claim has up to here; an 837P has 12
    /// diagnoses in its HI, but a claim may repeat HI segments (and a CSV field list codes) without end.
    /// </summary>
    public const int MaxListed = 99;

    /// <summary>The claim listed more diagnoses than <see cref="MaxListed"/>: the rest were not kept.</summary>
    public bool TooManyDiagnoses { get; private set; }

    public void Error(RecordPosition position, string? field, string message) => Error(new RecordError(position, field, message));

    public void Error(RecordError error)
    {
        if (Errors.Count < MaxErrors) Errors.Add(error);
    }

    public void AddDiagnosis(string code, RecordPosition at)
    {
        if (Diagnoses.Count >= MaxListed)
        {
            if (!TooManyDiagnoses) Error(at, "diagnoses", $"the claim has more than {MaxListed} diagnoses");
            TooManyDiagnoses = true;
            return;
        }
        if (_diagnosesAt is null && at != Start)
        {
            _diagnosesAt = new List<RecordPosition>(Diagnoses.Count + 4);
            for (var i = 0; i < Diagnoses.Count; i++) _diagnosesAt.Add(Start);
        }
        _diagnosesAt?.Add(at);
        Diagnoses.Add(code);
    }

    /// <summary>The claim's date of service: the earliest valid line date (claims carry one per line).</summary>
    private (string? Date, RecordPosition? At) ClaimDate()
    {
        ClaimLineDraft? earliest = null;
        DateOnly earliestDate = default;
        foreach (var line in Lines)
        {
            if (line.DateOfService is null) continue;
            if (RequestValidator.TryParseDate(line.DateOfService, out var date) && (earliest is null || date < earliestDate))
                (earliest, earliestDate) = (line, date);
        }
        // No valid date: the first one given stands, so that the request rules name it as the bad value.
        earliest ??= Lines.FirstOrDefault(l => l.DateOfService is not null);
        return (earliest?.DateOfService, earliest?.DateAt);
    }

    /// <summary>The record: rejected with the reader's errors, or the claim, to be validated by a worker.</summary>
    public ClaimRecord ToRecord() =>
        Errors.Count > 0 ? ClaimRecord.Rejected(Start, ClaimId, [.. Errors]) with { Frequency = Frequency, OriginalClaim = OriginalClaim, Encounter = Encounter }
            : new ClaimRecord { Position = Start, ClaimId = ClaimId, Draft = this, Frequency = Frequency, OriginalClaim = OriginalClaim, Encounter = Encounter };

    public ClaimFrequency Frequency { get; set; } = ClaimFrequency.Original;
    public string? OriginalClaim { get; set; }
    public bool Encounter { get; set; }

    /// <summary>
    /// The claim as a request draft: the claim's date of service is the earliest line date, and a line states its
    /// own date only where it differs (the form the request JSON of these claims always had).
    /// </summary>
    public RequestDraft ToRequest()
    {
        var (claimDate, claimDateAt) = ClaimDate();
        _dateAt = claimDateAt;
        var lines = new ServiceLineDraft[Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = Lines[i];
            lines[i] = new ServiceLineDraft
            {
                Sequence = line.Sequence,
                Code = line.Code,
                Modifiers = line.Modifiers,
                Description = line.Description,
                Units = line.Units,
                UnitOfMeasure = line.UnitOfMeasure,
                DateOfService = line.DateOfService != claimDate ? line.DateOfService : null,
                PlaceOfService = line.PlaceOfService,
            };
        }
        return new RequestDraft
        {
            RequestId = ClaimId,
            Kind = RequestKind.Claim,
            MemberId = MemberId,
            BirthDate = BirthDate,
            Sex = Sex,
            PlanId = PlanId,
            DateOfService = claimDate,
            Diagnoses = Diagnoses,
            ServiceLines = lines,
            PlaceOfService = PlaceOfService,
        };
    }

    /// <summary>
    /// Where a request field (a path such as serviceLines[1].code) was read: a line's procedure fields at its SV1,
    /// its other fields (sequence, date) at the line itself (LX, CSV row), diagnoses at their HI segment, the member
    /// fields at their segments; anything else at the claim's start.
    /// </summary>
    public RecordPosition Find(string field)
    {
        if (Index(field, "serviceLines[", out var index, out var rest) && index < Lines.Count)
        {
            var line = Lines[index];
            return rest.StartsWith(".code", StringComparison.Ordinal) || rest.StartsWith(".modifiers", StringComparison.Ordinal)
                || rest.StartsWith(".description", StringComparison.Ordinal) || rest.StartsWith(".units", StringComparison.Ordinal)
                || rest.StartsWith(".placeOfService", StringComparison.Ordinal) || rest.StartsWith(".unitOfMeasure", StringComparison.Ordinal)
                ? line.ProcedureAt ?? line.At
                : line.At;
        }
        if (Index(field, "diagnoses[", out index, out _) && index < Diagnoses.Count) return _diagnosesAt?[index] ?? Start;
        return field switch
        {
            "member.id" => MemberIdAt ?? Start,
            "member.birthDate" or "member.sex" => BirthDateAt ?? Start,
            "placeOfService" => PlaceOfServiceAt ?? Start,
            "member.planId" => PlanIdAt ?? Start,
            "dateOfService" => _dateAt ?? Start,
            _ => Start,
        };
    }

    /// <summary>The index of a list field: "serviceLines[3].code" with "serviceLines[" is 3, then ".code".</summary>
    private static bool Index(string field, string list, out int index, out ReadOnlySpan<char> rest)
    {
        index = 0;
        rest = default;
        if (!field.StartsWith(list, StringComparison.Ordinal)) return false;
        var close = field.IndexOf(']', list.Length);
        if (close < 0 || !int.TryParse(field.AsSpan(list.Length, close - list.Length), out index)) return false;
        rest = field.AsSpan(close + 1);
        return true;
    }
}
