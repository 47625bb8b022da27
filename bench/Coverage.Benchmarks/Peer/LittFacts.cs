using Coverage.Engine.Model;

namespace Coverage.Benchmarks.Peer;

/// <summary>The clinical facts MP-728's epilepsy and radiation necrosis criteria read, flattened for the rules; null is unknown.</summary>
public sealed class LittFacts
{
    public bool? NonEpilepticAttacksRuledOut { get; set; }
    public bool? SeizureTypeAndSyndromeDefined { get; set; }
    public bool? DisablingSeizures { get; set; }
    public double? AntiepilepticDrugRegimensTried { get; set; }
    /// <summary>temporal-lobe, hypothalamus, other or not-well-defined.</summary>
    public string? EpileptogenicFocus { get; set; }
    public bool? FocusAccessibleByLitt { get; set; }
    public bool? RadiationNecrosis { get; set; }
    public bool? RadiationNecrosisMedicallyRefractory { get; set; }
    public bool? AmenableToSurgicalDecompression { get; set; }
    public bool? RefractoryDespiteHighDoseSteroids { get; set; }

    public static LittFacts From(CoverageRequest request)
    {
        var clinical = request.Clinical;
        double? Number(string name) => clinical.TryGet(name, out var v) ? v.Number : null;
        string? Code(string name) => clinical.TryGet(name, out var v) ? v.Code : null;
        bool? Flag(string name) => clinical.TryGet(name, out var v) ? v.Boolean : null;
        return new LittFacts
        {
            NonEpilepticAttacksRuledOut = Flag("nonEpilepticAttacksRuledOut"),
            SeizureTypeAndSyndromeDefined = Flag("seizureTypeAndSyndromeDefined"),
            DisablingSeizures = Flag("disablingSeizures"),
            AntiepilepticDrugRegimensTried = Number("antiepilepticDrugRegimensTried"),
            EpileptogenicFocus = Code("epileptogenicFocus"),
            FocusAccessibleByLitt = Flag("focusAccessibleByLitt"),
            RadiationNecrosis = Flag("radiationNecrosis"),
            RadiationNecrosisMedicallyRefractory = Flag("radiationNecrosisMedicallyRefractory"),
            AmenableToSurgicalDecompression = Flag("amenableToSurgicalDecompression"),
            RefractoryDespiteHighDoseSteroids = Flag("refractoryDespiteHighDoseSteroids"),
        };
    }
}
