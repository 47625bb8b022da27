using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// A realistic, deterministic mix of coverage requests for policy 0540: the same seed always gives the
/// same requests. Mostly cryoablation orders and claims on the standard plan, as a payer sees them, with
/// every outcome, all four plans, FDA assessments on-label, off-label and indeterminate, unlisted codes
/// with free-text descriptions (and without), codes no policy addresses, and dates across every version.
/// Each request is read by the engine's own <see cref="RequestReader"/>, so it is valid and normalised.
/// </summary>
public static class RequestMix
{
    public const int DefaultSeed = 540;
    /// <summary>Service lines in the mix (the benchmarks' operations per invocation).</summary>
    public const int DefaultLines = 4_000;

    /// <summary>Requests of 1–3 lines until the mix holds exactly <paramref name="lines"/> service lines; each entry is the request's JSON and the request as the evaluator receives it.</summary>
    public static IReadOnlyList<(string Json, CoverageRequest Request)> Build(PolicyCatalogue catalogue, int lines = DefaultLines, int seed = DefaultSeed)
    {
        var random = new Random(seed); // Random(int) is the seeded legacy algorithm: stable across runs and runtimes
        var mix = new List<(string, CoverageRequest)>();
        for (var i = 0; lines > 0; i++)
        {
            var node = Request(random, i, lines);
            lines -= node["serviceLines"]!.AsArray().Count;
            var json = node.ToJsonString();
            var read = RequestReader.Read(json, catalogue);
            if (!read.IsValid) throw new InvalidOperationException($"mix request {i} is invalid: {string.Join("; ", read.Errors)}\n{json}");
            mix.Add((json, read.Request!));
        }
        return mix;
    }

    private static readonly (int Weight, (string Code, string?[] Descriptions) Value)[] Lines =
    [
        (40, ("0581T", [null, "US-guided cryoablation, left breast", "Percutaneous cryoablation of right breast tumor"])),
        (10, ("0971T", [null, "Percutaneous laser ablation, left breast"])),
        (10, ("19499", ["US-guided microwave ablation, left breast", "Microwave thermotherapy of breast tumour", "MWA right breast"])),
        (6, ("19499", ["Radiofrequency ablation, right breast", "RFA of breast carcinoma", "radio-frequency ablation"])),
        (4, ("19499", ["Cryoprobe ablation of left breast lesion", "Interstitial laser therapy, breast", "LITT right breast"])),
        (4, ("19499", [null, "", "   "])),
        (3, ("19499", ["ablation of breast tumor", "thermal ablation, left breast", "cryoablation converted to RFA"])),
        (3, ("19499", ["HIFU of breast lesion", "MR-guided focused ultrasound, breast"])),
        (3, ("19499", ["Excision of breast lesion", "Breast biopsy, unlisted technique"])),
        (9, ("19120", [null, "Excision of breast cyst"])),
        (4, ("19301", ["Partial mastectomy"])),
        (4, ("77067", ["Screening mammography, bilateral"])),
    ];

    /// <summary>Plans as members carry them: mostly none named (the default), then the standard plan and the three sample plans.</summary>
    internal static readonly (int Weight, string? Value)[] Plans =
    [
        (50, null), (20, "standard"), (12, "example-fda-cryo-rider"), (9, "example-ablation-exclusion"), (9, "example-mandate-over-exclusion"),
    ];

    /// <summary>Dates of service: mostly the current version, some in each earlier one, a few before the first or past review.</summary>
    private static readonly (int Weight, (string From, string To) Value)[] Dates =
    [
        (3, ("2023-06-01", "2024-03-14")),
        (6, ("2024-03-15", "2025-04-14")),
        (8, ("2025-04-15", "2025-10-14")),
        (13, ("2025-10-15", "2026-03-14")),
        (60, ("2026-03-15", "2027-03-15")),
        (10, ("2027-03-16", "2027-12-31")),
    ];

    private static readonly (int Weight, string[] Value)[] Diagnoses =
    [
        (55, ["C50.411"]), (10, ["C50.912", "Z17.0"]), (5, ["C79.81"]), (5, ["D05.10"]), (3, ["c50411"]),
        (8, []), (6, ["D24.1"]), (4, ["N63.10", "Z12.31"]), (4, ["C79.89"]),
    ];

    private static readonly Dictionary<string, JsonNode> OnLabel = new(StringComparer.Ordinal)
    {
        ["tumorSizeCm"] = 1.2, ["focality"] = "unifocal", ["histology"] = "idc",
        ["erStatus"] = "positive", ["prStatus"] = "positive", ["her2Status"] = "negative",
        ["ki67Percent"] = 8, ["genomicRisk"] = "low", ["nodalStatus"] = "N0",
        ["extensiveIntraductalComponent"] = false, ["lymphovascularInvasion"] = false,
        ["adjuvantEndocrineTherapy"] = true, ["recurrent"] = false,
        ["neoadjuvantTherapyIndicated"] = false, ["inflammatoryFeatures"] = false,
        ["adequateBreastSize"] = true, ["breastImplants"] = false,
    };

    /// <summary>Values that make one criterion unmet.</summary>
    private static readonly (string Fact, JsonNode Value)[] OffLabel =
    [
        ("tumorSizeCm", 2.4), ("focality", "multifocal"), ("her2Status", "positive"), ("ki67Percent", 30), ("nodalStatus", "N1"),
        ("histology", "ilc"), ("lymphovascularInvasion", true), ("recurrent", true), ("adjuvantEndocrineTherapy", false),
    ];

    /// <summary>One request of the mix (also a 0540 story of <see cref="CriteriaMix"/>): it draws from <paramref name="random"/> in a fixed order.</summary>
    internal static JsonObject Request(Random random, int index, int maxLines)
    {
        var date = Pick(random, Dates);
        var from = DateOnly.ParseExact(date.From, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(date.To, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var dateOfService = from.AddDays(random.Next(to.DayNumber - from.DayNumber + 1));

        var member = new JsonObject { ["id"] = $"M-{random.Next(1, 5_000)}" };
        // Ages: most within the label (70+), some younger, a few right at 70, some unknown.
        var age = random.Next(10) switch
        {
            < 5 => random.Next(70, 92),
            < 8 => random.Next(38, 70),
            8 => 70,
            _ => -1,
        };
        if (age >= 0) member["birthDate"] = Date(dateOfService.AddYears(-age).AddDays(-random.Next(0, 360)));
        if (Pick(random, Plans) is { } planId) member["planId"] = planId;

        var kind = random.Next(3) == 0 ? "claim" : "prior-authorization";
        var lineCount = Math.Min(maxLines, random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 });
        var lines = new JsonArray();
        for (var i = 0; i < lineCount; i++)
        {
            var (code, descriptions) = Pick(random, Lines);
            var line = new JsonObject { ["sequence"] = i + 1, ["code"] = code, ["units"] = 1 };
            if (descriptions[random.Next(descriptions.Length)] is { } description) line["description"] = description;
            // Claims carry a date of service per line; now and then a later one.
            if (kind == "claim" && random.Next(4) == 0) line["dateOfService"] = Date(dateOfService.AddDays(random.Next(0, 40)));
            lines.Add(line);
        }

        var request = new JsonObject
        {
            ["requestId"] = $"BENCH-{index:D5}",
            ["kind"] = kind,
            ["member"] = member,
            ["dateOfService"] = Date(dateOfService),
            ["diagnoses"] = new JsonArray([.. Pick(random, Diagnoses).Select(c => (JsonNode)JsonValue.Create(c))]),
            ["serviceLines"] = lines,
        };
        if (kind == "prior-authorization" && random.Next(4) == 0) request["priority"] = "expedited";

        // Clinical facts: on-label (45%), off-label (25%), indeterminate (some facts missing, 20%), none (10%).
        var clinical = random.Next(20) switch
        {
            < 9 => Facts(random, offLabel: 0, missing: 0),
            < 14 => Facts(random, offLabel: random.Next(1, 3), missing: random.Next(0, 2)),
            < 18 => Facts(random, offLabel: 0, missing: random.Next(1, 4)),
            _ => null,
        };
        if (clinical is not null) request["clinical"] = clinical;
        return request;
    }

    private static JsonObject Facts(Random random, int offLabel, int missing)
    {
        var facts = new JsonObject();
        foreach (var (name, value) in OnLabel) facts[name] = value.DeepClone();
        for (var i = 0; i < offLabel; i++)
        {
            var (fact, value) = OffLabel[random.Next(OffLabel.Length)];
            facts[fact] = value.DeepClone();
        }
        var names = OnLabel.Keys.ToArray();
        for (var i = 0; i < missing; i++) facts.Remove(names[random.Next(names.Length)]);
        return facts;
    }

    internal static T Pick<T>(Random random, (int Weight, T Value)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, value) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        throw new InvalidOperationException("unreachable");
    }

    internal static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
