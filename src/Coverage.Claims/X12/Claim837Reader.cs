using System.Globalization;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Claims.X12;

/// <summary>
/// Reads the claims of X12 837 professional files (005010X222A1) as a stream of records, in file order, with
/// bounded memory: the records of one transaction set are held until its SE shows the set arrived whole (at most
/// <see cref="MaxClaimsPerTransaction"/> claims and <see cref="MaxHeldRecords"/> records). Several interchanges, functional groups and transaction sets
/// per file are read; the envelopes are checked (SE01 segment count, ST02/SE02, GS06/GE02, ISA13/IEA02, GE01 and
/// IEA01 counts) and each problem becomes a rejected record of its own, positioned at its segment. A transaction
/// set that does not close exactly (no SE: the file was cut off, or the next ISA, GS or ST came first; or an SE
/// whose count or control number disagrees) has every claim rejected, naming it: a claim cut off after two of its
/// four lines must not be decided on two.
/// <para>Mapping (docs/batch.md): CLM01 is the request id; the member is the 2010BA subscriber (NM1*IL, NM109)
/// and, under a 2000C patient loop, the patient's 2010CA DMG birth date (and NM109 when a sender gives one); the
/// plan comes from SBR03 through the <see cref="PlanMap"/>; HI ABK/ABF are the diagnoses; each 2400 LX is a line
/// with SV101-2 as code (qualifier HC), SV101-3..6 modifiers, SV101-7 description, SV103/SV104 units (or anesthesia
/// minutes) and DTP*472 date;
/// the claim's date of service is the earliest line date.</para>
/// </summary>
public sealed class Claim837Reader(TextReader input, PlanMap? planMap = null, int maxHeldLines = Claim837Reader.MaxHeldLines)
{
    /// <summary>The implementation guide read: 837 Health Care Claim: Professional, version 5010.</summary>
    public const string ImplementationGuide = "005010X222A1";

    /// <summary>The 837P allows 50 lines a claim; beyond this many a claim is rejected rather than held in memory.</summary>
    public const int MaxLines = ClaimDraft.MaxLines;

    /// <summary>
    /// The claims of one transaction set held until its SE (the guide recommends at most 5,000 CLM per set); the
    /// claims of a larger set are rejected, naming the limit, rather than held without bound.
    /// </summary>
    public const int MaxClaimsPerTransaction = 10_000;

    /// <summary>
    /// The records of one transaction set held until its SE, claims and rejected records alike: every malformed
    /// segment outside a claim is a rejected record of its own, so a set of millions of them (a few bytes each)
    /// must not be held either. Beyond this many the set is released as it is read, its claims rejected.
    /// </summary>
    public const int MaxHeldRecords = 2 * MaxClaimsPerTransaction;

    /// <summary>
    /// The service lines of one transaction set held until its SE: the guide's recommended largest set, 5,000 claims of
    /// its 50 lines each. A held line takes about 300 bytes (measured: 290), so this is some 75 MB; the claims limit
    /// alone let a set of 10,000 claims of 999 lines (claims beyond 50 lines are read, to be rejected by the request
    /// rules with their count) hold 10 million lines, about 3 GB. Beyond it the set is released as it is read, its
    /// claims rejected, as for <see cref="MaxHeldRecords"/>.
    /// </summary>
    public const int MaxHeldLines = 5_000 * 50;

    public IEnumerable<ClaimRecord> Read()
    {
        var state = new State(planMap ?? PlanMap.Empty, maxHeldLines);
        // The segments are one re-pointed view (no strings but the values kept): each is done with before the next.
        foreach (var segment in new X12SegmentReader(input).Read(reuse: true))
        {
            state.Accept(segment);
            while (state.Output.TryDequeue(out var record)) yield return record;
        }
        state.End();
        while (state.Output.TryDequeue(out var record)) yield return record;
    }

    private sealed class Interchange(X12Segment isa)
    {
        public long Segment { get; } = isa.Number;
        public string Control { get; } = isa[13].Trim();
        public int Groups { get; set; }
    }

    private sealed class Group(X12Segment gs)
    {
        public long Segment { get; } = gs.Number;
        public string Control { get; } = gs[6].Trim();
        public string Version { get; } = gs[8].Trim();
        public int Transactions { get; set; }
    }

    private sealed class Transaction(X12Segment st)
    {
        public long Segment { get; } = st.Number;
        public string Control { get; } = st[2].Trim();
        public int Segments { get; set; } = 1;
        /// <summary>BHT06 RP: the set reports encounters, not claims for payment.</summary>
        public bool Encounters { get; set; }
        /// <summary>Not an 837P: its segments are counted for SE01 but not read as claims.</summary>
        public bool Skip => SkipReason is not null;
        /// <summary>Why the set is skipped, reported with how many claims it held once it closes.</summary>
        public string? SkipReason { get; set; }
        public int SkippedClaims { get; set; }
        /// <summary>The records read in the set so far, held until its SE; and how many of them are claims.</summary>
        public List<ClaimRecord> Held { get; } = [];
        public int Claims { get; set; }
        /// <summary>The service lines of the claims held.</summary>
        public long Lines { get; set; }
        /// <summary>Set once the set holds more claims than are held: the rest are rejected as they come.</summary>
        public string? TooLarge { get; set; }
    }

    /// <summary>A subscriber (2000B/2010BA) or patient (2000C/2010CA) loop: who the claims under it are for.</summary>
    private sealed class Party(RecordPosition start)
    {
        public RecordPosition Start { get; } = start;
        public string? Id { get; set; }
        public RecordPosition? IdAt { get; set; }
        public string? BirthDate { get; set; }
        public RecordPosition? BirthAt { get; set; }
        /// <summary>DMG03 as the request states it: female, male or unknown.</summary>
        public string? Sex { get; set; }
        public string? Group { get; set; }
        public RecordPosition? GroupAt { get; set; }
        /// <summary>Whether the subscriber loop had its SBR (required: without it the group, and so the plan, is unknown).</summary>
        public bool HasSbr { get; set; }
        public List<RecordError> Errors { get; } = [];
        public int Claims { get; set; }

        public void Error(RecordError error)
        {
            if (Errors.Count < ClaimDraft.MaxErrors) Errors.Add(error);
        }
    }

    private sealed class State(PlanMap plans, int maxHeldLines)
    {
        public Queue<ClaimRecord> Output { get; } = new();

        private Interchange? _isa;
        private Group? _gs;
        private Transaction? _st;

        private string? _level;
        private Party? _subscriber;
        private Party? _patient;
        private Party? _named;

        private ClaimDraft? _claim;
        /// <summary>True from CLM until the claim's first sub-loop or line: where a 2300 REF is the claim's own.</summary>
        private bool _claimReferencesOpen;
        private bool _tooManyLines;
        private string? _claimDate;
        private RecordPosition? _claimDateAt;
        private ClaimLineDraft? _line;
        private bool _lineHasSv1;

        public void Accept(X12Segment s)
        {
            if (s.Error is not null)
            {
                Malformed(s);
                return;
            }
            switch (s.Id)
            {
                case "ISA": StartInterchange(s); return;
                case "IEA": EndInterchange(s); return;
                case "GS": StartGroup(s); return;
                case "GE": EndGroup(s); return;
                case "ST": StartTransaction(s); return;
                case "SE": EndTransaction(s); return;
            }
            if (_st is null)
            {
                Reject(s.Position, $"segment {s.Id} is outside a transaction set (no ST before it)");
                return;
            }
            _st.Segments++;
            if (_st.Skip)
            {
                if (s.Id == "CLM") _st.SkippedClaims++;
                return;
            }
            switch (s.Id)
            {
                case "HL":
                    CloseClaim();
                    HierarchicalLevel(s);
                    break;
                case "CLM":
                    CloseClaim();
                    StartClaim(s);
                    break;
                default:
                    if (_claim is not null) ClaimSegment(s);
                    else LoopSegment(s);
                    break;
            }
        }

        public void End()
        {
            CloseEnvelopes("the end of the file");
        }

        // ------------------------------------------------------------ envelopes

        private void Malformed(X12Segment s)
        {
            if (s.Delimiters is null)
            {
                // An unreadable ISA, or data outside any interchange: nothing around it can be read as claims.
                CloseEnvelopes($"an unreadable segment at {s.Position}");
                Reject(s.Position, $"malformed segment: {s.Error}");
                return;
            }
            if (_st is not null) _st.Segments++;
            if (_st?.Skip == true) return;
            var error = new RecordError(s.Position, null, $"malformed segment: {s.Error}");
            if (_claim is not null) _claim.Error(error);
            else if (CurrentParty is { } party) party.Error(error);
            else Emit(ClaimRecord.Rejected(s.Position, null, [error]));
        }

        private void StartInterchange(X12Segment s)
        {
            CloseEnvelopes($"the next ISA at {s.Position}");
            _isa = new Interchange(s);
            if (_isa.Control.Length != 9 || !_isa.Control.All(char.IsAsciiDigit))
                Reject(s.Position, $"ISA13 '{_isa.Control}' is not a nine-digit interchange control number");
        }

        private void EndInterchange(X12Segment s)
        {
            CloseTransaction($"IEA at {s.Position}");
            CloseGroup($"IEA at {s.Position}");
            if (_isa is null)
            {
                Reject(s.Position, "IEA without an ISA before it");
                return;
            }
            if (!int.TryParse(s[1], NumberStyles.None, CultureInfo.InvariantCulture, out var groups) || groups != _isa.Groups)
                Reject(s.Position, $"IEA01 says {Quote(s[1])} functional groups but interchange {_isa.Control} (ISA at segment {_isa.Segment}) has {_isa.Groups}");
            if (!SameControl(s[2], _isa.Control))
                Reject(s.Position, $"IEA02 '{s[2]}' does not match ISA13 '{_isa.Control}' (ISA at segment {_isa.Segment})");
            _isa = null;
        }

        private void StartGroup(X12Segment s)
        {
            CloseTransaction($"the next GS at {s.Position}");
            CloseGroup($"the next GS at {s.Position}");
            if (_isa is null) Reject(s.Position, "GS outside an interchange (no ISA before it)");
            else _isa.Groups++;
            _gs = new Group(s);
        }

        private void EndGroup(X12Segment s)
        {
            CloseTransaction($"GE at {s.Position}");
            if (_gs is null)
            {
                Reject(s.Position, "GE without a GS before it");
                return;
            }
            if (!int.TryParse(s[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != _gs.Transactions)
                Reject(s.Position, $"GE01 says {Quote(s[1])} transaction sets but the functional group {_gs.Control} (GS at segment {_gs.Segment}) has {_gs.Transactions}");
            if (!SameControl(s[2], _gs.Control))
                Reject(s.Position, $"GE02 '{s[2]}' does not match GS06 '{_gs.Control}' (GS at segment {_gs.Segment})");
            _gs = null;
        }

        private void StartTransaction(X12Segment s)
        {
            CloseTransaction($"the next ST at {s.Position}");
            if (_gs is null) Reject(s.Position, "ST outside a functional group (no GS before it)");
            else _gs.Transactions++;
            _st = new Transaction(s);
            var version = s[3].Trim().Length > 0 ? s[3].Trim() : _gs?.Version ?? "";
            if (s[1] != "837")
            {
                _st.SkipReason = $"ST01 '{s[1]}' is not 837: only 837 professional claims are read; transaction set {_st.Control} is skipped";
            }
            // 005010X222 is the 837 professional guide (A1 and its errata); 005010X223 is institutional, X224 dental.
            else if (!version.StartsWith("005010X222", StringComparison.Ordinal))
            {
                _st.SkipReason = $"transaction set {_st.Control} follows implementation guide '{version}', not {ImplementationGuide} (837 professional); it is skipped";
            }
        }

        private void EndTransaction(X12Segment s)
        {
            CloseClaim();
            EndLoops();
            if (_st is null)
            {
                Reject(s.Position, "SE without an ST before it");
                return;
            }
            var st = _st;
            st.Segments++;
            ReportSkipped(st);
            var problems = new List<string>(2);
            if (!int.TryParse(s[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != st.Segments)
                problems.Add($"SE01 says {Quote(s[1])} segments but transaction set {st.Control} (ST at segment {st.Segment}) has {st.Segments}");
            if (s[2].Trim() != st.Control)
                problems.Add($"SE02 '{s[2]}' does not match ST02 '{st.Control}' (ST at segment {st.Segment})");
            Release(st, problems.Count == 0 ? null
                : $"transaction set {st.Control} (ST at segment {st.Segment}) did not arrive exactly ({string.Join("; ", problems)}), so none of its claims is decided");
            _st = null;
            foreach (var problem in problems) Reject(s.Position, problem);
        }

        private void CloseTransaction(string by)
        {
            CloseClaim();
            EndLoops();
            if (_st is null) return;
            var st = _st;
            _st = null;
            ReportSkipped(st);
            Reject(RecordPosition.Segment(st.Segment), $"transaction set {st.Control} (ST at segment {st.Segment}) has no SE: it ends at {by}");
            Release(st, $"transaction set {st.Control} (ST at segment {st.Segment}) has no SE (it ends at {by}): the file was cut off or interrupted there, " +
                "so its claims may be incomplete and none of them is decided");
        }

        /// <summary>A skipped set is one rejected record at its ST, saying how many claims went unread with it.</summary>
        private void ReportSkipped(Transaction st)
        {
            if (st.SkipReason is not { } reason) return;
            Output.Enqueue(ClaimRecord.Rejected(RecordPosition.Segment(st.Segment),
                $"{reason}, with the {st.SkippedClaims} claim{(st.SkippedClaims == 1 ? "" : "s")} (CLM) it held: none of them is decided"));
        }

        /// <summary>
        /// A record read inside a transaction set waits for the set's SE; outside one (or in a set that is skipped,
        /// or too large to hold) it is output at once.
        /// </summary>
        private void Emit(ClaimRecord record)
        {
            var st = _st;
            if (st is null || st.Skip)
            {
                Output.Enqueue(record);
                return;
            }
            if (st.TooLarge is null)
            {
                if (!record.IsRejected && ++st.Claims > MaxClaimsPerTransaction)
                    st.TooLarge = $"transaction set {st.Control} (ST at segment {st.Segment}) holds more than {MaxClaimsPerTransaction:N0} claims, more than are " +
                        "held until its SE shows it whole (the guide recommends at most 5,000 claims a set); split it into smaller sets";
                else if (st.Held.Count >= MaxHeldRecords)
                    st.TooLarge = $"transaction set {st.Control} (ST at segment {st.Segment}) holds more than {MaxHeldRecords:N0} records (claims and " +
                        "rejected records), more than are held until its SE shows it whole; it cannot be decided as a whole";
                else if ((st.Lines += record.LineCount) > maxHeldLines)
                    st.TooLarge = $"transaction set {st.Control} (ST at segment {st.Segment}) holds more than {maxHeldLines:N0} service lines, more than are " +
                        "held until its SE shows it whole (the guide recommends at most 5,000 claims a set, of at most 50 lines); split it into smaller sets";
                if (st.TooLarge is not null) Release(st, st.TooLarge);
            }
            if (st.TooLarge is not null) Output.Enqueue(Refused(record, st.TooLarge));
            else st.Held.Add(record);
        }

        /// <summary>The set's held records, in file order; its claims rejected for <paramref name="reason"/> when it did not arrive whole.</summary>
        private void Release(Transaction st, string? reason)
        {
            foreach (var record in st.Held) Output.Enqueue(reason is null ? record : Refused(record, reason));
            st.Held.Clear();
        }

        /// <summary>A claim the reader read but cannot let be decided: rejected, naming the claim and the reason.</summary>
        private static ClaimRecord Refused(ClaimRecord record, string reason) =>
            record.IsRejected ? record : ClaimRecord.Rejected(record.Position, record.ClaimId,
                // The id as errors quote a value (the record carries it whole): a long one must not push the reason past the message's bound.
                [new RecordError(record.Position, null, $"claim {(record.ClaimId is { } id ? InputEcho.Truncate(id) : "without an id")}: {reason}")]);

        private void CloseGroup(string by)
        {
            if (_gs is null) return;
            Reject(RecordPosition.Segment(_gs.Segment), $"functional group {_gs.Control} (GS at segment {_gs.Segment}) has no GE: it ends at {by}");
            _gs = null;
        }

        private void CloseEnvelopes(string by)
        {
            CloseTransaction(by);
            CloseGroup(by);
            if (_isa is null) return;
            Reject(RecordPosition.Segment(_isa.Segment), $"interchange {_isa.Control} (ISA at segment {_isa.Segment}) has no IEA: it ends at {by}");
            _isa = null;
        }

        private static bool SameControl(string a, string b) =>
            long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
                ? x == y
                : a.Trim() == b.Trim();

        private static string Quote(string value) => value.Length == 0 ? "nothing" : $"'{value}'";

        private void Reject(RecordPosition position, string message) => Emit(ClaimRecord.Rejected(position, message));

        // ------------------------------------------------------------ 2000B/2000C: subscriber and patient

        private Party? CurrentParty => _level switch
        {
            "22" => _subscriber,
            "23" => _patient,
            _ => null,
        };

        private void HierarchicalLevel(X12Segment s)
        {
            _named = null;
            switch (s.Span(3))
            {
                case "20":
                    EndLoops();
                    _level = "20";
                    break;
                case "22":
                    EndLoops();
                    _subscriber = new Party(s.Position);
                    _level = "22";
                    break;
                case "23":
                    EndPatient();
                    _patient = new Party(s.Position);
                    if (_subscriber is null)
                        _patient.Error(new RecordError(s.Position, null, "patient loop (HL 23) without a subscriber loop (HL 22) before it"));
                    _level = "23";
                    break;
                default:
                    EndLoops();
                    Reject(s.Position, $"HL03 '{s[3]}' is not a level of an 837P (20 billing provider, 22 subscriber, 23 patient)");
                    break;
            }
        }

        /// <summary>Segments of the subscriber or patient loop before its first CLM: who the member is.</summary>
        private void LoopSegment(X12Segment s)
        {
            switch (s.Id)
            {
                case "BHT" when _st is not null:
                    _st.Encounters = s.Span(6).Trim() is "RP";
                    break;
                case "SBR" when _level == "22" && _subscriber is not null:
                    var group = s.Span(3).Trim();
                    _subscriber.Group = group.Length == 0 ? null : new string(group);
                    _subscriber.GroupAt = s.Position;
                    _subscriber.HasSbr = true;
                    break;
                case "NM1":
                    var entity = s.Span(1);
                    _named = entity is "IL" && _level == "22" ? _subscriber
                        : entity is "QC" && _level == "23" ? _patient
                        : null;
                    var id = s.Span(9).Trim();
                    if (_named is not null && id.Length > 0)
                    {
                        _named.Id = new string(id);
                        _named.IdAt = s.Position;
                    }
                    break;
                case "DMG" when _named is not null:
                    if (s.Span(2).Trim().IsEmpty) break;
                    if (s.Span(1) is not "D8")
                    {
                        _named.Error(new RecordError(s.Position, "member.birthDate", $"DMG01 '{s[1]}' is not D8: the birth date must be CCYYMMDD"));
                        break;
                    }
                    var (date, error) = D8(s.Span(2).Trim());
                    if (error is not null) _named.Error(new RecordError(s.Position, "member.birthDate", $"DMG02: {error}"));
                    _named.BirthDate = date;
                    _named.BirthAt = s.Position;
                    // DMG03 gender: F, M or U (unknown); anything else cannot be read exactly.
                    var sex = s.Span(3).Trim();
                    _named.Sex = sex switch { "F" => "female", "M" => "male", _ => null };
                    if (sex is not ("F" or "M" or "U" or ""))
                        _named.Error(new RecordError(s.Position, "member.sex", $"DMG03 '{s[3]}' is not a gender code of 005010X222A1 (F, M, U)"));
                    break;
            }
        }

        private void EndPatient()
        {
            if (_patient is { Claims: 0, Errors.Count: > 0 })
                Emit(ClaimRecord.Rejected(_patient.Errors[0].Position, null, _patient.Errors));
            _patient = null;
            if (_level == "23") _level = "22";
        }

        private void EndLoops()
        {
            EndPatient();
            if (_subscriber is { Claims: 0, Errors.Count: > 0 })
                Emit(ClaimRecord.Rejected(_subscriber.Errors[0].Position, null, _subscriber.Errors));
            _subscriber = null;
            _level = null;
            _named = null;
        }

        // ------------------------------------------------------------ 2300 claim, 2400 lines

        private void StartClaim(X12Segment s)
        {
            var claim = _claim = new ClaimDraft(s.Position);
            _claimReferencesOpen = true;
            _tooManyLines = false;
            _claimDate = null;
            _claimDateAt = null;
            _line = null;
            var id = s.Span(1).Trim();
            claim.ClaimId = id.IsEmpty ? null : new string(id);
            if (claim.ClaimId is null) claim.Error(s.Position, "requestId", "CLM01: required (the claim id)");

            if (_level is not ("22" or "23") || _subscriber is null)
            {
                claim.Error(s.Position, null, "CLM is not inside a subscriber (HL 22) or patient (HL 23) loop");
                return;
            }
            var person = _level == "23" && _patient is not null ? _patient : _subscriber;
            foreach (var error in _subscriber.Errors) claim.Error(error);
            _subscriber.Claims++;
            if (person != _subscriber)
            {
                foreach (var error in person.Errors) claim.Error(error);
                person.Claims++;
            }
            // 5010 leaves the patient's NM109 unused (the subscriber id identifies the member); a sender's own is kept.
            var named = person.Id is not null ? person : _subscriber;
            claim.MemberId = named.Id;
            claim.MemberIdAt = named.IdAt ?? named.Start;
            // The subscriber's member id is required (2010BA NM1*IL NM109): without it the claim is nobody's.
            if (claim.MemberId is null)
                claim.Error(_subscriber.Start, "member.id", "2010BA NM1*IL NM109 is required: the subscriber's member id (the subscriber loop has no NM1*IL, or its NM109 is empty)");
            // 2000B SBR is required: a claim without it has no group number to find its plan by, and would be decided
            // under the default plan on a guess. (A group-less SBR is valid: SBR03 is situational.)
            if (!_subscriber.HasSbr)
                claim.Error(_subscriber.Start, "member.planId", "2000B SBR is required: the subscriber's payer responsibility and group number (the subscriber loop has no SBR)");
            claim.BirthDate = person.BirthDate;
            claim.BirthDateAt = person.BirthAt ?? person.Start;
            claim.Sex = person.Sex;
            // The patient's DMG is required (2010BA when the subscriber is the patient, 2010CA otherwise): the birth date
            // and gender a policy's criteria may read are the patient's, and a claim without them is not read exactly.
            if (person.BirthDate is null && !person.Errors.Any(e => e.Field == "member.birthDate"))
                claim.Error(person.Start, "member.birthDate", person == _subscriber
                    ? "2010BA DMG is required when the subscriber is the patient: the patient's birth date (DMG02) and gender (DMG03)"
                    : "2010CA DMG is required: the patient's birth date (DMG02) and gender (DMG03)");
            // CLM05, required with its three components: CLM05-1 the place of service of every line (SV105 may name
            // another for one line), CLM05-2 B (that CLM05-1 is a place of service code, as in every professional claim)
            // and CLM05-3 the claim frequency. None is assumed: a claim whose frequency is missing might be a void.
            var facility = new X12Components(s.Span(5), s.Delimiters!.Component);
            facility.Next(out var place);
            place = place.Trim();
            if (place.IsEmpty) claim.Error(s.Position, "placeOfService", "CLM05-1: required (the place of service, e.g. 11 office, 22 outpatient hospital)");
            else
            {
                claim.PlaceOfService = new string(place);
                claim.PlaceOfServiceAt = s.Position;
            }
            facility.Next(out var qualifier);
            if (qualifier.Trim() is not "B")
                claim.Error(s.Position, "placeOfService", qualifier.Trim().IsEmpty
                    ? "CLM05-2: required (B: CLM05-1 is a place of service code)"
                    : $"CLM05-2 '{new string(qualifier.Trim())}' is not B (a place of service code, as a professional claim's CLM05-1 is)");
            // CLM05-3, the claim frequency: a new claim, or the replacement or void of one the payer holds.
            var frequency = facility.Next(out var code) ? code.Trim() : default;
            switch (frequency)
            {
                case "":
                    claim.Error(s.Position, "claimFrequency", "CLM05-3: required (the claim frequency: 1 original, 7 replacement, 8 void)");
                    break;
                case "1": break;
                case "7": claim.Frequency = ClaimFrequency.Replacement; break;
                case "8": claim.Frequency = ClaimFrequency.Void; break;
                default:
                    claim.Error(s.Position, null, $"CLM05-3 '{frequency}' is not a claim frequency of a professional claim (1 original, 7 replacement, 8 void)");
                    break;
            }
            claim.Encounter = _st?.Encounters == true;
            claim.PlanId = plans.PlanFor(_subscriber.Group);
            claim.PlanIdAt = _subscriber.GroupAt ?? _subscriber.Start;
        }

        private void ClaimSegment(X12Segment s)
        {
            switch (s.Id)
            {
                case "HI": Diagnoses(s); break;
                // 2300 REF*F8: the payer's control number of the claim a replacement or void refers to. Only before the
                // claim's other loops (2310 providers, 2320/2330 other payers, whose REF*F8 is another payer's) and lines.
                case "REF" when _claimReferencesOpen && s.Span(1) is "F8":
                    var original = s.Span(2).Trim();
                    if (!original.IsEmpty) _claim!.OriginalClaim = new string(original);
                    break;
                case "NM1" or "SBR": _claimReferencesOpen = false; break;
                case "DTP": Date(s); break;
                case "LX":
                    _claimReferencesOpen = false;
                    StartLine(s);
                    break;
                case "SV1": Procedure(s); break;
            }
        }

        /// <summary>
        /// A 2300 HI segment. The guide has several, told apart by their first qualifier: diagnoses (ABK principal, ABF
        /// others) are read; condition codes (BG) and anesthesia-related procedures (BP, BO) are valid situational
        /// segments the request has no field for, so they are passed over, never a reason to reject the claim.
        /// </summary>
        private void Diagnoses(X12Segment s)
        {
            var claim = _claim!;
            var separator = s.Delimiters!.Component;
            var first = new X12Components(s.Span(1), separator);
            first.Next(out var kind);
            if (kind is "BG" or "BP" or "BO") return;
            for (var i = 1; i < s.Count && i <= 12; i++)
            {
                if (s.Span(i).IsEmpty) continue;
                var parts = new X12Components(s.Span(i), separator);
                parts.Next(out var qualifier);
                var code = parts.Next(out var second) ? second.Trim() : default;
                string? problem = qualifier switch
                {
                    "ABK" when claim.Diagnoses.Count > 0 => "-1: ABK (the principal diagnosis) after other diagnoses; it must come first, once",
                    "ABF" when claim.Diagnoses.Count == 0 => "-1: ABF (another diagnosis) before the principal diagnosis (ABK)",
                    "ABK" or "ABF" => code.IsEmpty ? "-2: required (the ICD-10-CM code)" : null,
                    // Before 1 October 2015 ICD-9-CM was the code set: such a claim is validly coded, but the policies' criteria
                    // are ICD-10-CM codes, and a diagnosis translated by us would be a guess (docs/decisions.md).
                    "BK" or "BF" => $"-1: '{qualifier}' is an ICD-9-CM qualifier: diagnoses are read in ICD-10-CM (ABK, ABF), the code set of dates of service from 1 October 2015 and of the policies' criteria; a claim coded in ICD-9-CM is not decided",
                    _ => $"-1: '{qualifier}' is not a diagnosis qualifier (ABK principal, ABF other)" + SeparatorHint(qualifier, separator),
                };
                if (problem is not null) claim.Error(s.Position, "diagnoses", s.Name(i) + problem);
                else claim.AddDiagnosis(new string(code), s.Position);
            }
        }

        /// <summary>"ABK:J069" read whole as a qualifier: the file seems to use another component separator than its ISA16 says.</summary>
        private static string SeparatorHint(ReadOnlySpan<char> qualifier, char separator)
        {
            if (qualifier.Length < 5 || !(qualifier.StartsWith("ABK") || qualifier.StartsWith("ABF")) || char.IsAsciiLetterOrDigit(qualifier[3])) return "";
            return $"; it looks like a qualifier and a code joined by '{qualifier[3]}', while ISA16 makes '{separator}' the component separator: check ISA16";
        }

        private void Date(X12Segment s)
        {
            var claim = _claim!;
            var serviceDate = s.Span(1) is "472";
            string? date = null;
            string? error;
            switch (s.Span(2))
            {
                case "D8": (date, error) = D8(s.Span(3).Trim()); break;
                case "RD8": (date, error) = RD8(s.Span(3).Trim()); break;
                default: error = $"date format '{s[2]}' is not D8 (CCYYMMDD) or RD8 (CCYYMMDD-CCYYMMDD)"; break;
            }
            if (error is not null)
            {
                var field = !serviceDate ? null : _line is null ? "dateOfService" : $"serviceLines[{claim.Lines.Count - 1}].dateOfService";
                claim.Error(s.Position, field, $"DTP*{s[1]}: {error}");
            }
            if (!serviceDate) return; // other dates (onset, last seen, …) are checked but not part of the request
            // A bad service date still counts as given, so that the line is not also reported as having none.
            if (_line is null)
            {
                _claimDate = date;
                _claimDateAt = s.Position;
            }
            else
            {
                _line.DateOfService = date;
                _line.DateAt = s.Position;
            }
        }

        private void StartLine(X12Segment s)
        {
            var claim = _claim!;
            CloseLine();
            if (claim.Lines.Count >= MaxLines)
            {
                if (!_tooManyLines) claim.Error(s.Position, "serviceLines", $"the claim has more than {MaxLines} service lines");
                _tooManyLines = true;
                _line = null;
                return;
            }
            var index = claim.Lines.Count;
            var line = _line = new ClaimLineDraft(s.Position) { Sequence = index + 1 };
            _lineHasSv1 = false;
            claim.Lines.Add(line);
            if (int.TryParse(s.Span(1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) line.Sequence = sequence;
            else claim.Error(s.Position, $"serviceLines[{index}].sequence", $"LX01: '{s[1]}' is not a line number");
        }

        private void Procedure(X12Segment s)
        {
            var claim = _claim!;
            if (_tooManyLines) return;
            if (_line is null)
            {
                claim.Error(s.Position, null, "SV1 without an LX (2400 service line) before it");
                return;
            }
            var index = claim.Lines.Count - 1;
            if (_lineHasSv1)
            {
                claim.Error(s.Position, $"serviceLines[{index}]", $"line {_line.Sequence} has a second SV1");
                return;
            }
            _lineHasSv1 = true;
            // SV101: qualifier, code, up to four modifiers, description (components 1 to 7).
            var parts = new X12Components(s.Span(1), s.Delimiters!.Component);
            parts.Next(out var qualifier);
            if (qualifier is not "HC")
                claim.Error(s.Position, $"serviceLines[{index}].code", $"SV101-1: qualifier '{qualifier}' is not HC (CPT/HCPCS); only HC procedure codes are read");
            var code = parts.Next(out var second) ? second.Trim() : default;
            if (code.IsEmpty) claim.Error(s.Position, $"serviceLines[{index}].code", "SV101-2: required (the procedure code)");
            _line.Code = new string(code);
            _line.ProcedureAt = s.Position;
            for (var i = 2; i <= 5 && parts.Next(out var modifier); i++)
            {
                if (!modifier.Trim().IsEmpty) _line.Modifiers.Add(new string(modifier.Trim()));
            }
            if (parts.Next(out var description) && !description.Trim().IsEmpty) _line.Description = new string(description.Trim());
            // SV103 says what SV104 counts: units (UN) or, for anesthesia, minutes (MJ). SV104 is a decimal (1.5 units).
            switch (s.Span(3).Trim())
            {
                case "UN": break;
                case "MJ": _line.UnitOfMeasure = UnitOfMeasure.Minutes; break;
                default: claim.Error(s.Position, $"serviceLines[{index}].unitOfMeasure", $"SV103 '{s[3]}' is not UN (units) or MJ (minutes)"); break;
            }
            var units = s.Span(4).Trim();
            if (units.IsEmpty) claim.Error(s.Position, $"serviceLines[{index}].units", "SV104: required (the number of units)");
            else if (!decimal.TryParse(units, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
                claim.Error(s.Position, $"serviceLines[{index}].units", $"SV104: '{units}' is not a number");
            else _line.Units = count; // its range and decimals are the request rules'
            var place = s.Span(5).Trim();
            if (!place.IsEmpty) _line.PlaceOfService = new string(place);
            // SV102, the line's charge (required in 5010). No decision reads it, but the impact report adds it up: an
            // amount that cannot be read exactly makes the claim a bad record, as any other unreadable element does.
            var charge = s.Span(2).Trim();
            if (charge.IsEmpty) claim.Error(s.Position, $"serviceLines[{index}].charge", "SV102: required (the line's charge)");
            else if (!decimal.TryParse(charge, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                claim.Error(s.Position, $"serviceLines[{index}].charge", $"SV102: '{charge}' is not an amount (digits and an optional decimal point)");
            else _line.Charge = amount;
        }

        private void CloseLine()
        {
            if (_line is not null && !_lineHasSv1)
                _claim!.Error(_line.At, $"serviceLines[{_claim.Lines.Count - 1}]", $"line {_line.Sequence} (LX) has no SV1 (professional service)");
            _line = null;
        }

        private void CloseClaim()
        {
            var claim = _claim;
            if (claim is null) return;
            CloseLine();
            if (claim.Lines.Count == 0 && !_tooManyLines)
                claim.Error(claim.Start, "serviceLines", "the claim has no service lines (2400 LX with SV1)");
            // The principal diagnosis is required (2300 HI*ABK): a claim is never decided as if it had none.
            if (claim.Diagnoses.Count == 0 && !claim.Errors.Any(e => e.Field == "diagnoses"))
                claim.Error(claim.Start, "diagnoses", "2300 HI is required: the claim's principal diagnosis (HI*ABK) is missing");
            for (var i = 0; i < claim.Lines.Count; i++)
            {
                var line = claim.Lines[i];
                if (line.DateAt is not null) continue;
                if (_claimDateAt is not null)
                {
                    line.DateOfService = _claimDate;
                    line.DateAt = _claimDateAt;
                }
                else
                {
                    claim.Error(line.At, $"serviceLines[{i}].dateOfService", $"line {line.Sequence} has no date of service (DTP*472), nor has the claim");
                }
            }
            Emit(claim.ToRecord());
            _claim = null;
        }

        // ------------------------------------------------------------ dates

        private static (string? Date, string? Error) D8(ReadOnlySpan<char> value) =>
            value.Length == 8 && IsoDate.TryParseBasic(value, out var date)
                ? (IsoDate.ToString(date), null)
                : (null, $"'{value}' is not a valid D8 date (CCYYMMDD)");

        private static (string? Date, string? Error) RD8(ReadOnlySpan<char> value)
        {
            var dash = value.IndexOf('-');
            if (dash >= 0 && value[(dash + 1)..].IndexOf('-') < 0
                && IsoDate.TryParseBasic(value[..dash], out var from)
                && IsoDate.TryParseBasic(value[(dash + 1)..], out var to)
                && from <= to)
                return (IsoDate.ToString(from), null);
            return (null, $"'{value}' is not a valid RD8 date range (CCYYMMDD-CCYYMMDD, first date not after the second)");
        }
    }
}
