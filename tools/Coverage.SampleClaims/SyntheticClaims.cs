using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Claims.Batch;

namespace Coverage.SampleClaims;

/// <summary>A kind of bad record the generator plants, written in each format's own way.</summary>
public enum SyntheticDefect
{
    None,
    /// <summary>A service date that is no date (month 13, day 40).</summary>
    BadDate,
    /// <summary>A claim without service lines (CSV: a row without a code).</summary>
    NoLines,
    /// <summary>837: a segment with an invalid id; CSV: a row with too many fields; NDJSON: truncated JSON.</summary>
    Malformed,
    /// <summary>A principal diagnosis that is not ICD-10-CM.</summary>
    BadDiagnosis,
    /// <summary>A procedure code that is not CPT/HCPCS.</summary>
    BadCode,
}

public sealed record SyntheticLine(int Sequence, string Code, IReadOnlyList<string> Modifiers, string? Description, int Units, DateOnly DateOfService, decimal Charge);

/// <summary>
/// One synthetic claim, format-neutral: the writers turn it into 837P, CSV or NDJSON, and <see cref="RequestJson"/>
/// says which coverage request a good one must map to (what the tests evaluate to check a batch run).
/// </summary>
public sealed record SyntheticClaim
{
    public required string ClaimId { get; init; }
    public required string MemberId { get; init; }
    public required string LastName { get; init; }
    public required string FirstName { get; init; }
    public required char Sex { get; init; }
    /// <summary>The patient's birth date.</summary>
    public required DateOnly BirthDate { get; init; }
    /// <summary>When the patient is the subscriber's dependent (an 837P 2000C loop): the subscriber's birth date.</summary>
    public DateOnly? SubscriberBirthDate { get; init; }
    public required string PlanId { get; init; }
    /// <summary>ICD-10-CM with the dot, principal first.</summary>
    public required IReadOnlyList<string> Diagnoses { get; init; }
    public required IReadOnlyList<SyntheticLine> Lines { get; init; }
    /// <summary>Clinical facts (only NDJSON carries them: 837P and CSV have no place for them).</summary>
    public IReadOnlyDictionary<string, object>? Clinical { get; init; }
    public SyntheticDefect Defect { get; init; }

    /// <summary>
    /// Whether the claim is rejected when written in <paramref name="format"/>: a planted defect, or (837P) no diagnosis,
    /// which the guide requires (2300 HI) while a CSV or NDJSON request may leave it out and be asked for it.
    /// </summary>
    public bool IsRejectedIn(ClaimFileFormat format) => Defect != SyntheticDefect.None || (format == ClaimFileFormat.X12 && Diagnoses.Count == 0);

    public DateOnly DateOfService => Lines.Min(l => l.DateOfService);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The coverage request this claim states (ignoring its defect); clinical facts only when the format carries them.</summary>
    public string RequestJson(bool withClinical)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("requestId", ClaimId);
            json.WriteString("kind", "claim");
            json.WriteStartObject("member");
            json.WriteString("id", MemberId);
            json.WriteString("birthDate", Iso(BirthDate));
            json.WriteString("planId", PlanId);
            json.WriteEndObject();
            json.WriteString("dateOfService", Iso(DateOfService));
            json.WriteStartArray("diagnoses");
            foreach (var diagnosis in Diagnoses) json.WriteStringValue(diagnosis);
            json.WriteEndArray();
            json.WriteStartArray("serviceLines");
            foreach (var line in Lines)
            {
                json.WriteStartObject();
                json.WriteNumber("sequence", line.Sequence);
                json.WriteString("code", line.Code);
                if (line.Modifiers.Count > 0)
                {
                    json.WriteStartArray("modifiers");
                    foreach (var modifier in line.Modifiers) json.WriteStringValue(modifier);
                    json.WriteEndArray();
                }
                if (line.Description is not null) json.WriteString("description", line.Description);
                json.WriteNumber("units", line.Units);
                json.WriteString("dateOfService", Iso(line.DateOfService));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (withClinical && Clinical is not null)
            {
                json.WriteStartObject("clinical");
                foreach (var (name, value) in Clinical)
                {
                    switch (value)
                    {
                        case bool b: json.WriteBoolean(name, b); break;
                        case double d: json.WriteNumber(name, d); break;
                        default: json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Generates realistic synthetic claims, deterministically from a seed: a mix of policy 0540 lines (0581T
/// cryoablation, 0971T laser, 19499 with every kind of description), other breast-cancer care (biopsy,
/// mastectomy, imaging, pathology, visits), unrelated care with other diagnoses, the sample plans, dependents,
/// dates from 2024 to 2026 (so code validity and policy versions vary), and about 3 % bad records.
/// </summary>
public static class SyntheticClaims
{
    /// <summary>837P group numbers (SBR03) of the sample plans, as samples/plan-map.csv lists them.</summary>
    public static IReadOnlyDictionary<string, string> GroupNumbers { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["standard"] = "100200",
        ["example-fda-cryo-rider"] = "100310",
        ["example-ablation-exclusion"] = "100420",
        ["example-mandate-over-exclusion"] = "100530",
    };

    /// <summary>The plan map (group_number,plan_id) for the group numbers the generator writes.</summary>
    public static string PlanMapCsv =>
        "group_number,plan_id\n" + string.Concat(GroupNumbers.Select(g => $"{g.Value},{g.Key}\n"));

    private static readonly string[] BreastCancer = ["C50.411", "C50.412", "C50.211", "C50.812", "C50.911", "C50.912", "D05.11", "D05.12", "C79.81"];
    private static readonly string[] BreastOther = ["Z17.0", "Z17.1", "Z80.3", "Z85.3", "N63.10"];
    private static readonly string[] Benign = ["D24.1", "D24.2", "N60.11", "N63.10"];
    private static readonly string[] OtherCare = ["E11.9", "I10", "J06.9", "M54.50", "Z00.00", "K21.9", "F41.1", "E78.5", "M17.11", "R51.9"];

    private static readonly (string Code, string Description, decimal Charge)[] BreastCare =
    [
        ("19083", "Biopsy breast with device, ultrasound guidance", 1250m),
        ("19301", "Partial mastectomy", 4800m),
        ("19303", "Simple complete mastectomy", 7900m),
        ("38525", "Open biopsy or excision of deep axillary lymph nodes", 2900m),
        ("77067", "Screening mammography, bilateral", 260m),
        ("77065", "Diagnostic mammography, unilateral", 240m),
        ("76641", "Ultrasound breast, complete, unilateral", 310m),
        ("88305", "Surgical pathology, gross and microscopic", 180m),
        ("99214", "Office visit, established patient, moderate", 210m),
        ("J9355", "Injection, trastuzumab, 10 mg", 980m),
    ];

    private static readonly (string Code, string Description, decimal Charge)[] GeneralCare =
    [
        ("99213", "Office visit, established patient, low", 140m),
        ("99214", "Office visit, established patient, moderate", 210m),
        ("99203", "Office visit, new patient, low", 190m),
        ("36415", "Routine venipuncture", 25m),
        ("80053", "Comprehensive metabolic panel", 75m),
        ("85025", "Complete blood count with differential", 45m),
        ("93000", "Electrocardiogram, complete", 95m),
        ("71046", "Chest X-ray, 2 views", 120m),
        ("97110", "Therapeutic exercises, each 15 minutes", 85m),
        ("G0439", "Annual wellness visit, subsequent", 175m),
    ];

    /// <summary>Descriptions an unlisted breast procedure (19499) arrives with: each modality, HIFU, another procedure, none.</summary>
    private static readonly string?[] UnlistedDescriptions =
    [
        "Ultrasound-guided microwave ablation of right breast carcinoma",
        "Percutaneous MWA, left breast tumor",
        "Radiofrequency ablation of breast cancer",
        "RFA left breast lesion under US guidance",
        "Percutaneous cryoablation, breast",
        "Interstitial laser ablation of breast tumor",
        "HIFU ablation of breast lesion",
        "Excision of breast lesion, unlisted approach",
        "Ablation of breast tumor",
        null,
    ];

    private static readonly string[] LastNames = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ", "NGUYEN", "PATEL", "KIM", "OKAFOR", "LEE"];
    private static readonly string[] FemaleNames = ["MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH", "JENNIFER", "MARIA", "SUSAN", "MARGARET", "DOROTHY"];
    private static readonly string[] MaleNames = ["JAMES", "ROBERT", "JOHN", "MICHAEL", "DAVID", "WILLIAM", "RICHARD", "JOSEPH"];

    private static readonly DateOnly FirstDate = new(2023, 12, 1);
    private static readonly DateOnly LastDate = new(2026, 11, 20);

    public static IEnumerable<SyntheticClaim> Generate(int count, int seed = 1)
    {
        var random = new Random(seed);
        for (var i = 1; i <= count; i++) yield return Claim(random, i);
    }

    private static SyntheticClaim Claim(Random random, int index)
    {
        var dateOfService = FirstDate.AddDays(random.Next(LastDate.DayNumber - FirstDate.DayNumber + 1));
        var female = random.NextDouble() < 0.93;
        var age = random.Next(28, 91);
        var birthDate = dateOfService.AddYears(-age).AddDays(-random.Next(365));
        var dependent = random.NextDouble() < 0.15;
        var plan = random.NextDouble() switch
        {
            < 0.80 => "standard",
            < 0.88 => "example-fda-cryo-rider",
            < 0.94 => "example-ablation-exclusion",
            _ => "example-mandate-over-exclusion",
        };

        var lines = new List<SyntheticLine>();
        List<string> diagnoses;
        IReadOnlyDictionary<string, object>? clinical = null;
        void Add(string code, string? description, decimal charge, IReadOnlyList<string>? modifiers = null, int units = 1, int dayOffset = 0) =>
            lines.Add(new SyntheticLine(lines.Count + 1, code, modifiers ?? [], description, units, dateOfService.AddDays(dayOffset), charge));
        string[] Side() => [random.NextDouble() < 0.5 ? "LT" : "RT"];

        var kind = random.NextDouble();
        if (kind < 0.14)
        {
            // Cryoablation (0581T), often with imaging guidance and a visit; clinical facts for the FDA label.
            diagnoses = [Pick(random, BreastCancer), .. Maybe(random, 0.6, BreastOther)];
            Add("0581T", "US-guided cryoablation, breast", 6200m, Side());
            if (random.NextDouble() < 0.5) Add("76942", "Ultrasonic guidance for needle placement", 240m);
            if (random.NextDouble() < 0.3) Add("99214", "Office visit, established patient, moderate", 210m, dayOffset: random.Next(0, 2));
            if (random.NextDouble() < 0.7) clinical = Clinical(random);
        }
        else if (kind < 0.19)
        {
            // Laser ablation (0971T): before 2026-01-01 the code is not yet valid.
            diagnoses = [Pick(random, BreastCancer)];
            Add("0971T", "Percutaneous laser ablation, breast", 5800m, Side());
        }
        else if (kind < 0.31)
        {
            // The unlisted code, classified by its description.
            diagnoses = random.NextDouble() < 0.85 ? [Pick(random, BreastCancer)] : random.NextDouble() < 0.5 ? [Pick(random, Benign)] : [];
            Add("19499", Pick(random, UnlistedDescriptions), 4500m, random.NextDouble() < 0.5 ? Side() : null);
            if (random.NextDouble() < 0.4) Add("76942", "Ultrasonic guidance for needle placement", 240m);
        }
        else if (kind < 0.34)
        {
            // A policy code with only a benign diagnosis: inconsistent coding.
            diagnoses = [Pick(random, Benign)];
            Add(random.NextDouble() < 0.7 ? "0581T" : "0971T", null, 6000m, Side());
        }
        else if (kind < 0.62)
        {
            // Other breast-cancer care, no ablation: no policy in the catalogue addresses it.
            diagnoses = [Pick(random, BreastCancer), .. Maybe(random, 0.5, BreastOther)];
            var count = random.Next(1, 5);
            for (var i = 0; i < count; i++)
            {
                var (code, description, charge) = Pick(random, BreastCare);
                Add(code, random.NextDouble() < 0.6 ? description : null, charge, code.StartsWith("193", StringComparison.Ordinal) ? Side() : null,
                    units: code == "J9355" ? random.Next(2, 9) : 1, dayOffset: i == 0 ? 0 : random.Next(0, 3));
            }
        }
        else
        {
            // Everything else a payer sees: visits, labs, imaging, with unrelated diagnoses.
            diagnoses = [Pick(random, OtherCare), .. Maybe(random, 0.4, OtherCare)];
            var count = random.Next(1, 5);
            for (var i = 0; i < count; i++)
            {
                var (code, description, charge) = Pick(random, GeneralCare);
                Add(code, random.NextDouble() < 0.5 ? description : null, charge, code == "97110" && random.NextDouble() < 0.5 ? ["GP"] : null,
                    units: code == "97110" ? random.Next(1, 5) : 1);
            }
        }
        // Line numbers and codes within a claim are unique in practice; a repeated code keeps its own line.
        diagnoses = diagnoses.Distinct(StringComparer.Ordinal).ToList();

        var defect = random.NextDouble() < 0.03 ? (SyntheticDefect)random.Next(1, 6) : SyntheticDefect.None;
        return new SyntheticClaim
        {
            ClaimId = $"CLM{index:D7}",
            MemberId = $"M{random.Next(10_000_000, 99_999_999)}",
            LastName = Pick(random, LastNames),
            FirstName = female ? Pick(random, FemaleNames) : Pick(random, MaleNames),
            Sex = female ? 'F' : 'M',
            BirthDate = birthDate,
            SubscriberBirthDate = dependent ? birthDate.AddYears(-random.Next(0, 6)).AddDays(-random.Next(1, 365)) : null,
            PlanId = plan,
            Diagnoses = diagnoses,
            Lines = lines,
            Clinical = clinical,
            Defect = defect,
        };
    }

    /// <summary>Clinical facts of a cryoablation candidate: sometimes every FDA criterion met, sometimes not, some unknown.</summary>
    private static Dictionary<string, object> Clinical(Random random)
    {
        var onLabel = random.NextDouble() < 0.5;
        var facts = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["tumorSizeCm"] = onLabel ? Math.Round(0.5 + random.NextDouble(), 1) : Math.Round(0.8 + random.NextDouble() * 2.5, 1),
            ["focality"] = onLabel || random.NextDouble() < 0.7 ? "unifocal" : "multifocal",
            ["histology"] = onLabel || random.NextDouble() < 0.7 ? "idc" : "ilc",
            ["erStatus"] = "positive",
            ["prStatus"] = onLabel || random.NextDouble() < 0.8 ? "positive" : "negative",
            ["her2Status"] = onLabel || random.NextDouble() < 0.8 ? "negative" : "positive",
            ["ki67Percent"] = (double)(onLabel ? random.Next(2, 14) : random.Next(5, 40)),
            ["nodalStatus"] = "N0",
            ["extensiveIntraductalComponent"] = false,
            ["lymphovascularInvasion"] = false,
            ["adjuvantEndocrineTherapy"] = true,
            ["recurrent"] = false,
            ["neoadjuvantTherapyIndicated"] = false,
            ["inflammatoryFeatures"] = false,
            ["adequateBreastSize"] = true,
            ["breastImplants"] = false,
        };
        // Some records leave facts out: the label assessment is then indeterminate.
        if (random.NextDouble() < 0.25) facts.Remove("ki67Percent");
        if (random.NextDouble() < 0.15) facts.Remove("adequateBreastSize");
        return facts;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string[] Maybe(Random random, double probability, IReadOnlyList<string> items) =>
        random.NextDouble() < probability ? [Pick(random, items)] : [];
}
