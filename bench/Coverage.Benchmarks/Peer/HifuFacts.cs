using Coverage.Engine.Model;

namespace Coverage.Benchmarks.Peer;

/// <summary>The clinical facts CG-MED-81's bone-metastasis criteria read, flattened for the rules; null is unknown.</summary>
public sealed class HifuFacts
{
    public int? AgeYears { get; set; }
    public double? LesionDistanceFromSkinAndNervesCm { get; set; }
    public double? MirelsScore { get; set; }
    public bool? IncreasedFractureRisk { get; set; }
    public bool? RequiresSurgicalStabilization { get; set; }
    public bool? ClinicallySignificantComorbidities { get; set; }
    public bool? PainRefractoryToRadiation { get; set; }

    public static HifuFacts From(CoverageRequest request, DateOnly dateOfService)
    {
        var clinical = request.Clinical;
        double? Number(string name) => clinical.TryGet(name, out var v) ? v.Number : null;
        bool? Flag(string name) => clinical.TryGet(name, out var v) ? v.Boolean : null;
        return new HifuFacts
        {
            AgeYears = PeerFacts.AgeOn(request, dateOfService),
            LesionDistanceFromSkinAndNervesCm = Number("lesionDistanceFromSkinAndNervesCm"),
            MirelsScore = Number("mirelsScore"),
            IncreasedFractureRisk = Flag("increasedFractureRisk"),
            RequiresSurgicalStabilization = Flag("requiresSurgicalStabilization"),
            ClinicallySignificantComorbidities = Flag("clinicallySignificantComorbidities"),
            PainRefractoryToRadiation = Flag("painRefractoryToRadiation"),
        };
    }
}
