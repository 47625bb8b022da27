using Coverage.Engine.Catalogue;

namespace Coverage.Engine.Evaluation;

/// <summary>The generic words of explanations: how a determination reads in a sentence, and what follows an adverse one.</summary>
internal static class Words
{
    public static string Determination(StatementDetermination determination) => determination switch
    {
        StatementDetermination.MedicallyNecessary => "medically necessary",
        StatementDetermination.NotMedicallyNecessary => "not medically necessary",
        StatementDetermination.ExperimentalInvestigationalUnproven => "experimental, investigational or unproven",
        _ => "not covered",
    };

    /// <summary>" This is a recommendation: …" after an adverse medical-necessity finding; nothing otherwise.</summary>
    public static string ReviewSentence(StatementDetermination determination) =>
        determination is StatementDetermination.NotMedicallyNecessary or StatementDetermination.ExperimentalInvestigationalUnproven
            ? " " + CompiledVersion.RationaleSuffix
            : "";

    /// <summary>A name inside a sentence: "Cryoablation" → "cryoablation", but an acronym ("HIFU", "MRgFUS") stays as written.</summary>
    public static string Lower(string name) =>
        name.Length > 1 && char.IsUpper(name[0]) && char.IsLower(name[1]) ? char.ToLowerInvariant(name[0]) + name[1..] : name;
}
