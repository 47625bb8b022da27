using System.Globalization;
using Coverage.Engine.Catalogue;

namespace Coverage.Claims.X12;

/// <summary>
/// The X12 999 implementation acknowledgment (005010X231A1) of an 837P file: per functional group an AK1, per
/// transaction set an AK2 with the segment (IK3) and element (IK4) errors found in it and its verdict (IK5), and the
/// group's verdict (AK9) — the answer a submitter's system expects before any remittance.
/// <para>It is built from what the batch already knows, read structurally, never from error messages: the envelopes
/// as the segments give them (ST/SE counts and control numbers, supported guides), the segments the 837P reader found
/// malformed, and the request fields each claim's errors name (the engine's request rules, positioned at the segment
/// the field came from), mapped to the element that carries the field.</para>
/// <para>A set is accepted (A) when nothing is wrong in it, accepted with errors noted (E) when some of its claims are
/// decided and others rejected (the batch decides the good ones), and rejected (R) when it did not arrive exactly,
/// is not an 837P, or none of its claims can be decided.</para>
/// </summary>
public static class Acknowledgment999
{
    public const string ImplementationGuide = "005010X231A1";

    /// <summary>
    /// The segment errors (IK3) one acknowledgment lists, and holds in memory while it is built. Each was held until
    /// the end: a file of a million malformed segments took half a gigabyte for 3 MB of input. Past the bound, each
    /// set's verdict (IK5, AK9) still counts every error; only the listing stops.
    /// </summary>
    public const int MaxListedErrors = 100_000;

    /// <summary>Writes the acknowledgment of <paramref name="inputPath"/> (two streaming passes over the file).</summary>
    public static void Write(string inputPath, TextWriter output, PolicyCatalogue catalogue, PlanMap? planMap, DateTimeOffset now,
        int maxListedErrors = MaxListedErrors)
    {
        // Pass 1: every claim's errors, by the segment each was found at (the first segments, up to the bound); and
        // which claims were decided.
        var errors = new Dictionary<long, List<RecordError>>();
        var claims = new List<(long Segment, bool Decided)>();
        using (var reader = new StreamReader(inputPath, ClaimFileText.Encoding, detectEncodingFromByteOrderMarks: true))
        {
            foreach (var record in new Claim837Reader(reader, planMap).Read())
            {
                var (_, problems) = record.Validate(catalogue);
                if (record.ClaimId is not null) claims.Add((record.Position.Number, problems.Count == 0));
                foreach (var problem in problems)
                {
                    if (!errors.TryGetValue(problem.Position.Number, out var list))
                    {
                        if (errors.Count >= maxListedErrors) continue;
                        errors[problem.Position.Number] = list = [];
                    }
                    list.Add(problem);
                }
            }
        }

        // Pass 2: the envelopes, and the id and place in its set of every segment an error names.
        var groups = new List<Group>();
        Interchange? interchange = null;
        Group? group = null;
        TransactionSet? set = null;
        var listed = 0L;
        using (var reader = new StreamReader(inputPath, ClaimFileText.Encoding, detectEncodingFromByteOrderMarks: true))
        {
            foreach (var segment in new X12SegmentReader(reader).ReadSegments())
            {
                if (segment.Id == "ISA" && segment.Error is null)
                {
                    interchange ??= new Interchange(segment[5].Trim(), segment[6].Trim(), segment[7].Trim(), segment[8].Trim());
                    continue;
                }
                switch (segment.Id)
                {
                    case "GS":
                        group = new Group(segment[1].Trim(), segment[2].Trim(), segment[3].Trim(), segment[6].Trim(), segment[8].Trim());
                        groups.Add(group);
                        continue;
                    case "GE":
                        if (group is not null) group.Trailer = (segment[1].Trim(), segment[2].Trim());
                        group = null;
                        continue;
                    case "ST":
                        set = new TransactionSet(segment.Number, segment[1].Trim(), segment[2].Trim(), segment[3].Trim().Length > 0 ? segment[3].Trim() : group?.Version ?? "");
                        group?.Sets.Add(set);
                        continue;
                    case "SE":
                        if (set is not null)
                        {
                            set.Trailer = (segment[1].Trim(), segment[2].Trim(), segment.Number - set.Start + 1);
                            set.End = segment.Number;
                        }
                        set = null;
                        continue;
                }
                if (set is null) continue;
                var inError = errors.TryGetValue(segment.Number, out var found);
                if (!inError && segment.Error is null) continue;
                set.ErrorCount++;
                if (listed++ < maxListedErrors) set.Errors.Add(ErrorOf(segment, (int)(segment.Number - set.Start + 1), found ?? []));
            }
        }
        // Each set's claims by their CLM segment: sorted once and searched, not scanned per set (a file holds thousands of sets).
        claims.Sort((a, b) => a.Segment.CompareTo(b.Segment));
        var starts = claims.Select(c => c.Segment).ToArray();
        foreach (var g in groups)
            foreach (var s in g.Sets)
            {
                var first = Array.BinarySearch(starts, s.Start);
                for (var i = first < 0 ? ~first : first; i < claims.Count && claims[i].Segment <= (s.End ?? long.MaxValue); i++)
                {
                    s.Claims++;
                    if (claims[i].Decided) s.Decided++;
                }
                // A set refused whole (not supported, no trailer, a trailer that disagrees) says so in IK5; its
                // claims' refusals repeat that, and are not segment errors.
                if (Verdict(s).Codes is "1" or "2" or "3" or "4") s.Errors.Clear();
            }

        WriteAcknowledgment(output, interchange ?? new Interchange("ZZ", "SENDER", "ZZ", "RECEIVER"), groups, now);
    }

    private static SegmentError ErrorOf(X12Segment segment, int position, List<RecordError> errors)
    {
        var valid = segment.Id.Length is 2 or 3 && segment.Id.All(char.IsAsciiLetterOrDigit) && char.IsAsciiLetterUpper(segment.Id[0]);
        // An unrecognised id is echoed as received (its first three printable characters), as IK301 must name one.
        if (segment.Error is not null && !valid)
            return new SegmentError(new string(segment.Id.Where(c => c > ' ' && c < '\u007f' && c is not ('*' or '~' or ':' or '^')).Take(3).ToArray()), position, "1", []);
        var id = segment.Id;
        var elements = new List<ElementError>();
        if (segment.Error is not null)
            for (var i = 1; i < segment.Elements.Count; i++)
                if (segment.Elements[i].Any(c => char.IsControl(c) && !(segment.Delimiters is { } d && d.IsInsideSegment(c))))
                    elements.Add(new ElementError(i, "6")); // invalid character in data element
        foreach (var error in errors)
        {
            if (error.Field is null) continue;
            // A required segment the claim lacks (its HI) is named by the segment that should hold it.
            if (error.Field == "diagnoses" && segment.Id == "CLM") return new SegmentError("HI", position, "3", []);
            // So are the subscriber's SBR and the patient's DMG, by the loop (HL) that should hold them.
            if (error.Field == "member.planId" && segment.Id == "HL") return new SegmentError("SBR", position, "3", []);
            if (error.Field == "member.birthDate" && segment.Id == "HL") return new SegmentError("DMG", position, "3", []);
            var element = ElementOf(error.Field, segment.Id);
            if (element == 0 || elements.Any(e => e.Position == element)) continue;
            var value = segment[element];
            elements.Add(new ElementError(element, IK403(error.Field, value)));
        }
        return new SegmentError(id, position, "8", elements);
    }

    /// <summary>Why the element is wrong (IK403): 1 missing, 8 a bad date, 6 an amount with characters an amount cannot hold, 7 a value not allowed.</summary>
    private static string IK403(string field, string value) =>
        value.Length == 0 ? "1"
        : field.EndsWith("ateOfService", StringComparison.Ordinal) || field == "member.birthDate" ? "8"
        : field.EndsWith(".charge", StringComparison.Ordinal) ? "6"
        : "7";

    /// <summary>The element of <paramref name="segment"/> that carries a request field (docs/batch.md, the 837P mapping); 0 when none does.</summary>
    private static int ElementOf(string field, string segment)
    {
        var leaf = field[(field.LastIndexOf('.') + 1)..];
        return (segment, leaf) switch
        {
            ("HI", _) when field.StartsWith("diagnoses", StringComparison.Ordinal) => 1,
            ("SV1", "code" or "modifiers" or "description") => 1,
            ("SV1", "charge") => 2,
            ("SV1", "unitOfMeasure") => 3,
            ("SV1", "units") => 4,
            ("SV1", "placeOfService") => 5,
            ("DTP", "dateOfService") => 3,
            ("LX", "sequence") => 1,
            ("NM1", "id") => 9,
            ("DMG", "birthDate") => 2,
            ("DMG", "sex") => 3,
            ("CLM", "requestId") => 1,
            ("CLM", "placeOfService" or "claimFrequency") => 5,
            ("SBR", "planId") => 3,
            _ => 0,
        };
    }

    private static void WriteAcknowledgment(TextWriter output, Interchange interchange, List<Group> groups, DateTimeOffset now)
    {
        var control = (now.ToUnixTimeSeconds() % 1_000_000_000).ToString("000000000", CultureInfo.InvariantCulture);
        var segments = new List<string>();
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"ISA*00*{new string(' ', 10)}*00*{new string(' ', 10)}*{Fixed(interchange.ReceiverQualifier, 2)}*{Fixed(interchange.Receiver, 15)}*{Fixed(interchange.SenderQualifier, 2)}*{Fixed(interchange.Sender, 15)}*{now:yyMMdd}*{now:HHmm}*^*00501*{control}*0*P*:~"));
        output.Write(string.Create(CultureInfo.InvariantCulture, $"GS*FA*{groups.FirstOrDefault()?.Receiver ?? "RECEIVER"}*{groups.FirstOrDefault()?.Sender ?? "SENDER"}*{now:yyyyMMdd}*{now:HHmm}*1*X*{ImplementationGuide}~"));
        var number = 0;
        foreach (var group in groups)
        {
            number++;
            segments.Clear();
            segments.Add($"ST*999*{number:0000}*{ImplementationGuide}");
            segments.Add($"AK1*{group.Functional}*{group.Control}*{group.Version}");
            var verdicts = new List<string>();
            foreach (var set in group.Sets)
            {
                segments.Add($"AK2*{set.Id}*{set.Control}*{set.Guide}");
                foreach (var error in set.Errors)
                {
                    segments.Add($"IK3*{error.Id}*{error.Position}**{error.Code}");
                    foreach (var element in error.Elements) segments.Add($"IK4*{element.Position}**{element.Code}");
                }
                var (verdict, codes) = Verdict(set);
                verdicts.Add(verdict);
                segments.Add(codes.Length == 0 ? $"IK5*{verdict}" : $"IK5*{verdict}*{codes}");
            }
            var accepted = verdicts.Count(v => v is "A" or "E");
            var groupVerdict = verdicts.Count == 0 || accepted == 0 ? "R"
                : accepted < verdicts.Count ? "P"
                : verdicts.All(v => v == "A") && group.Trailer is { } t && t.Count == group.Sets.Count.ToString(CultureInfo.InvariantCulture) ? "A" : "E";
            var groupCodes = group.Trailer is null ? "*3" : group.Trailer.Value.Count != group.Sets.Count.ToString(CultureInfo.InvariantCulture) ? "*5" : "";
            segments.Add($"AK9*{groupVerdict}*{group.Sets.Count}*{group.Sets.Count}*{accepted}{groupCodes}");
            segments.Add($"SE*{segments.Count + 1}*{number:0000}");
            foreach (var segment in segments) output.Write(segment + "~");
        }
        output.Write(string.Create(CultureInfo.InvariantCulture, $"GE*{number}*1~IEA*1*{control}~"));
    }

    /// <summary>An ISA element is fixed-width: padded with spaces, or cut.</summary>
    private static string Fixed(string value, int width) => value.Length >= width ? value[..width] : value.PadRight(width);

    /// <summary>IK5: the set's verdict and its reasons (2 no trailer, 3 control numbers disagree, 4 count disagrees, 5 segments in error, 1 not supported).</summary>
    private static (string Verdict, string Codes) Verdict(TransactionSet set)
    {
        if (set.Id != "837" || !set.Guide.StartsWith("005010X222", StringComparison.Ordinal)) return ("R", "1");
        if (set.Trailer is not { } trailer) return ("R", "2");
        if (trailer.Control != set.Control) return ("R", "3");
        if (trailer.Count != trailer.Counted.ToString(CultureInfo.InvariantCulture)) return ("R", "4");
        if (set.ErrorCount == 0 && set.Decided == set.Claims) return ("A", "");
        return set.Decided > 0 ? ("E", "5") : ("R", "5");
    }

    private sealed record Interchange(string SenderQualifier, string Sender, string ReceiverQualifier, string Receiver);

    private sealed class Group(string functional, string sender, string receiver, string control, string version)
    {
        public string Functional { get; } = functional;
        public string Sender { get; } = sender;
        public string Receiver { get; } = receiver;
        public string Control { get; } = control;
        public string Version { get; } = version;
        public List<TransactionSet> Sets { get; } = [];
        public (string Count, string Control)? Trailer { get; set; }
    }

    private sealed class TransactionSet(long start, string id, string control, string guide)
    {
        public long Start { get; } = start;
        public long? End { get; set; }
        public string Id { get; } = id;
        public string Control { get; } = control;
        public string Guide { get; } = guide;
        public (string Count, string Control, long Counted)? Trailer { get; set; }
        /// <summary>The segment errors listed (IK3), at most <see cref="MaxListedErrors"/> in the whole acknowledgment.</summary>
        public List<SegmentError> Errors { get; } = [];
        /// <summary>The segments in error, listed or not: what the verdict counts.</summary>
        public long ErrorCount { get; set; }
        public int Claims { get; set; }
        public int Decided { get; set; }
    }

    private sealed record SegmentError(string Id, int Position, string Code, IReadOnlyList<ElementError> Elements);

    private sealed record ElementError(int Position, string Code);
}
