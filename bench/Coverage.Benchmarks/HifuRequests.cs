using System.Text.Json.Nodes;

namespace Coverage.Benchmarks;

/// <summary>
/// The HIFU stories of <see cref="CriteriaMix"/>, decided by CG-MED-81: mostly pain palliation of bone
/// metastases (its five criteria met, not met or unknown, with the boundaries the scenarios pin: exactly 18,
/// exactly 1 cm, a Mirels score of 7, a score of 9 with and without the physician's assessment), prostate
/// HIFU and TULSA (other indications, and TULSA's codes before they took effect), and HIFU of a breast tumor on
/// unlisted code 19499, which policy 0540 leaves to its related resource. Unlisted 20999 comes with descriptions
/// that name HIFU, nothing (information required), another treatment (not addressed) or HIFU and TULSA at once.
/// </summary>
internal static class HifuRequests
{
    private enum Story { BoneMetastasis, Prostate, Breast }

    private static readonly (int Weight, Story Value)[] Stories = [(60, Story.BoneMetastasis), (25, Story.Prostate), (15, Story.Breast)];

    /// <summary>CG-MED-81 took effect on 2024-01-03 and was due for review on 2024-11-09: most dates are past it (decided by it, with a warning).</summary>
    private static readonly (int Weight, (string From, string To) Value)[] Dates =
    [
        (6, ("2023-03-01", "2024-01-02")),
        (14, ("2024-01-03", "2024-11-09")),
        (80, ("2024-11-10", "2027-06-30")),
    ];

    private static readonly (int Weight, (string Code, string?[] Descriptions) Value)[] BoneLines =
    [
        (65, ("C9734", [null])),
        (25, ("20999", ["MR-guided focused ultrasound ablation of femoral metastasis", "HIFU of iliac bone metastasis", "MRgFUS, painful rib metastasis"])),
        (5, ("20999", [null, ""])),
        (3, ("20999", ["Radiofrequency ablation of bone metastasis", "Cementoplasty, femur"])),
        (2, ("20999", ["HIFU or TULSA, to be decided"])),
    ];

    private static readonly (int Weight, (string Code, string?[] Descriptions) Value)[] ProstateLines =
    [
        (60, ("55880", [null])), (25, ("55881", [null])), (15, ("55882", [null])),
    ];

    private static readonly (int Weight, (string Code, string?[] Descriptions) Value)[] BreastLines =
    [
        (100, ("19499", ["HIFU of a breast tumor", "MR-guided focused ultrasound, breast", "HIFU ablation of breast fibroadenoma", "High-intensity focused ultrasound of breast lesion"])),
    ];

    private static readonly (int Weight, string[] Value)[] BoneDiagnoses =
    [
        (60, ["C79.51"]), (15, ["C79.52"]), (5, ["C79.51", "C61"]), (8, []), (6, ["C79.31"]), (6, ["C61"]),
    ];

    private static readonly (int Weight, string[] Value)[] ProstateDiagnoses = [(80, ["C61"]), (10, []), (10, ["C79.51"])];

    private static readonly (int Weight, string[] Value)[] BreastDiagnoses = [(50, ["C50.911"]), (15, ["C50.412"]), (20, ["D24.1"]), (15, [])];

    /// <summary>Ways of not meeting one criterion: some leave other criteria unknown, which the unmet one decides despite.</summary>
    private static readonly (string Fact, JsonNode? Value)[][] Unmet =
    [
        [("lesionDistanceFromSkinAndNervesCm", 0.9)],
        [("lesionDistanceFromSkinAndNervesCm", 0.5), ("mirelsScore", null), ("painRefractoryToRadiation", null)],
        [("mirelsScore", 9), ("increasedFractureRisk", true)],
        [("requiresSurgicalStabilization", true)],
        [("clinicallySignificantComorbidities", true)],
        [("painRefractoryToRadiation", false)],
    ];

    /// <summary>Ways of leaving a criterion open: a Mirels score above 7 without the physician's assessment, or a fact not stated.</summary>
    private static readonly (string Fact, JsonNode? Value)[][] Unknown =
    [
        [("mirelsScore", 9)],
        [("mirelsScore", 10), ("increasedFractureRisk", null)],
        [("painRefractoryToRadiation", null)],
        [("clinicallySignificantComorbidities", null), ("requiresSurgicalStabilization", false)],
    ];

    public static JsonObject Request(Random random, int maxLines)
    {
        var dateOfService = CriteriaMix.Between(random, RequestMix.Pick(random, Dates));
        var story = RequestMix.Pick(random, Stories);
        var (lineChoices, diagnoses) = story switch
        {
            Story.BoneMetastasis => (BoneLines, BoneDiagnoses),
            Story.Prostate => (ProstateLines, ProstateDiagnoses),
            _ => (BreastLines, BreastDiagnoses),
        };
        var lines = new JsonArray();
        var count = Math.Min(maxLines, random.Next(5) == 0 ? 2 : 1);
        for (var i = 0; i < count; i++)
        {
            var (code, descriptions) = RequestMix.Pick(random, lineChoices);
            lines.Add(CriteriaMix.Line(i + 1, code, descriptions[random.Next(descriptions.Length)]));
        }
        // Facts for the bone-metastasis criteria; a prostate or breast story seldom states them.
        var clinical = story == Story.BoneMetastasis || random.Next(5) == 0 ? CriteriaMix.Facts(random, Met(random), Unmet, Unknown) : null;
        return CriteriaMix.Request(random, dateOfService, Birth(random, dateOfService), RequestMix.Pick(random, diagnoses), lines, clinical);
    }

    /// <summary>Adults mostly; some minors; some exactly 18 on the date of service, some a day short of it; some unknown.</summary>
    private static DateOnly? Birth(Random random, DateOnly dateOfService) => random.Next(20) switch
    {
        < 15 => CriteriaMix.Aged(random, dateOfService, random.Next(40, 90)),
        15 => CriteriaMix.Aged(random, dateOfService, random.Next(14, 18)),
        16 => dateOfService.AddYears(-18),
        17 => dateOfService.AddYears(-18).AddDays(1),
        _ => null,
    };

    /// <summary>Every criterion met, at a boundary now and then (1 cm from skin and nerves; a Mirels score of 7; a score of 9 the physician judges safe).</summary>
    private static Dictionary<string, JsonNode> Met(Random random)
    {
        var facts = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["lesionDistanceFromSkinAndNervesCm"] = new[] { 1.0, 1.6, 2.5, 4.0 }[random.Next(4)],
            ["mirelsScore"] = new[] { 4, 6, 7, 7 }[random.Next(4)],
            ["requiresSurgicalStabilization"] = false,
            ["clinicallySignificantComorbidities"] = false,
            ["painRefractoryToRadiation"] = true,
        };
        if (random.Next(5) == 0)
        {
            facts["mirelsScore"] = 9;
            facts["increasedFractureRisk"] = false;
        }
        return facts;
    }
}
