using System.Text.Json.Nodes;

namespace Coverage.Benchmarks;

/// <summary>
/// The LITT stories of <see cref="CriteriaMix"/>, decided by MP-728 in both its versions (investigational
/// for all before 2022-01-01, criteria from then on, with dates on either side of the day): refractory epilepsy
/// (four criteria met, not met or unknown; exactly two drug regimens), radiation necrosis (the either/or
/// criterion; necrosis not stated; a brain neoplasm that is not necrosis), and LITT outside the brain on
/// unlisted codes 64999 and 19499 (a breast fibroadenoma is MP-728's; breast cancer stays with policy 0540).
/// </summary>
internal static class LittRequests
{
    private enum Story { Epilepsy, RadiationNecrosis, Unlisted }

    private static readonly (int Weight, Story Value)[] Stories = [(55, Story.Epilepsy), (25, Story.RadiationNecrosis), (20, Story.Unlisted)];

    /// <summary>The LITT codes took effect on 2018-01-01 (the first version's start); the criteria on 2022-01-01.</summary>
    private static readonly (int Weight, (string From, string To) Value)[] Dates =
    [
        (4, ("2017-06-01", "2017-12-31")),
        (22, ("2018-01-01", "2021-12-31")),
        (6, ("2021-12-15", "2022-01-15")),
        (68, ("2022-01-01", "2027-06-30")),
    ];

    private static readonly (int Weight, string[] Value)[] EpilepsyDiagnoses =
    [
        (45, ["G40.219"]), (25, ["G40.909"]), (15, ["G40.109"]), (5, ["G40.219", "R56.9"]), (10, []),
    ];

    private static readonly (int Weight, string[] Value)[] NecrosisDiagnoses =
    [
        (35, ["C71.9"]), (35, ["C79.31"]), (10, ["C71.1"]), (10, []), (10, ["C79.31", "G40.909"]),
    ];

    private static readonly (int Weight, (string Code, string? Description, string[] Diagnoses) Value)[] UnlistedLines =
    [
        (20, ("64999", "Laser interstitial thermal therapy of spinal lesion", ["M48.06"])),
        (15, ("64999", "Visualase ablation, spinal metastasis", ["C79.49"])),
        (5, ("64999", null, ["C79.49"])),
        (5, ("64999", "Spinal cord stimulator revision", ["M96.1"])),
        (25, ("19499", "LITT of breast fibroadenoma", ["D24.1"])),
        (5, ("19499", "LITT of breast fibroadenoma", [])),
        (25, ("19499", "Laser interstitial thermal therapy of breast cancer", ["C50.911"])),
    ];

    private static readonly (string Fact, JsonNode? Value)[][] EpilepsyUnmet =
    [
        [("antiepilepticDrugRegimensTried", 1)],
        [("antiepilepticDrugRegimensTried", 0), ("disablingSeizures", null)],
        [("epileptogenicFocus", "other")],
        [("epileptogenicFocus", "not-well-defined"), ("focusAccessibleByLitt", null)],
        [("focusAccessibleByLitt", false)],
        [("nonEpilepticAttacksRuledOut", false)],
        [("seizureTypeAndSyndromeDefined", false)],
        [("disablingSeizures", false)],
    ];

    private static readonly (string Fact, JsonNode? Value)[][] EpilepsyUnknown =
    [
        [("nonEpilepticAttacksRuledOut", null)],
        [("epileptogenicFocus", null)],
        [("antiepilepticDrugRegimensTried", null), ("disablingSeizures", null)],
    ];

    /// <summary>Radiation necrosis, met by either alternative (or both), not met (neither; not necrosis), or unknown.</summary>
    private static readonly (int Weight, (string Fact, JsonNode Value)[] Value)[] NecrosisFacts =
    [
        (25, [("radiationNecrosis", true), ("radiationNecrosisMedicallyRefractory", true), ("amenableToSurgicalDecompression", false)]),
        (20, [("radiationNecrosis", true), ("refractoryDespiteHighDoseSteroids", true)]),
        (5, [("radiationNecrosis", true), ("radiationNecrosisMedicallyRefractory", true), ("amenableToSurgicalDecompression", false), ("refractoryDespiteHighDoseSteroids", true)]),
        (10, [("radiationNecrosis", true), ("radiationNecrosisMedicallyRefractory", true), ("amenableToSurgicalDecompression", true), ("refractoryDespiteHighDoseSteroids", false)]),
        (5, [("radiationNecrosis", true), ("radiationNecrosisMedicallyRefractory", false), ("refractoryDespiteHighDoseSteroids", false)]),
        (15, [("radiationNecrosis", false)]),
        (8, [("radiationNecrosis", true)]),
        (4, [("radiationNecrosis", true), ("radiationNecrosisMedicallyRefractory", true)]),
        (3, [("radiationNecrosisMedicallyRefractory", true), ("amenableToSurgicalDecompression", false)]),
        (5, []),
    ];

    public static JsonObject Request(Random random, int maxLines)
    {
        var dateOfService = CriteriaMix.Between(random, RequestMix.Pick(random, Dates));
        var lines = new JsonArray();
        string[] diagnoses;
        JsonObject? clinical;
        switch (RequestMix.Pick(random, Stories))
        {
            case Story.Epilepsy:
                // A single trajectory mostly; now and then both codes on one order.
                lines.Add(CriteriaMix.Line(1, random.Next(10) < 7 ? "61736" : "61737", null));
                if (maxLines > 1 && random.Next(4) == 0) lines.Add(CriteriaMix.Line(2, "61737", null));
                diagnoses = RequestMix.Pick(random, EpilepsyDiagnoses);
                clinical = CriteriaMix.Facts(random, EpilepsyMet(random), EpilepsyUnmet, EpilepsyUnknown);
                break;
            case Story.RadiationNecrosis:
                lines.Add(CriteriaMix.Line(1, random.Next(5) == 0 ? "61737" : "61736", null));
                diagnoses = RequestMix.Pick(random, NecrosisDiagnoses);
                var stated = RequestMix.Pick(random, NecrosisFacts);
                clinical = stated.Length == 0 ? null : new JsonObject(stated.Select(f => KeyValuePair.Create(f.Fact, (JsonNode?)f.Value.DeepClone())));
                break;
            default:
                var (code, description, unlistedDiagnoses) = RequestMix.Pick(random, UnlistedLines);
                lines.Add(CriteriaMix.Line(1, code, description));
                diagnoses = unlistedDiagnoses;
                clinical = null;
                break;
        }
        DateOnly? birth = random.Next(20) == 0 ? null : CriteriaMix.Aged(random, dateOfService, random.Next(8, 80));
        return CriteriaMix.Request(random, dateOfService, birth, diagnoses, lines, clinical);
    }

    /// <summary>Every epilepsy criterion met: two drug regimens (the boundary) or more; a temporal or hypothalamic focus.</summary>
    private static Dictionary<string, JsonNode> EpilepsyMet(Random random) => new(StringComparer.Ordinal)
    {
        ["nonEpilepticAttacksRuledOut"] = true,
        ["seizureTypeAndSyndromeDefined"] = true,
        ["disablingSeizures"] = true,
        ["antiepilepticDrugRegimensTried"] = new[] { 2, 2, 3, 4, 6 }[random.Next(5)],
        ["epileptogenicFocus"] = random.Next(4) == 0 ? "hypothalamus" : "temporal-lobe",
        ["focusAccessibleByLitt"] = true,
    };
}
