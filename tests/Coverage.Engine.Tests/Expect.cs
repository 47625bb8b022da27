using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>The reason codes of spec section 8, as the engine's records, for exact comparisons.</summary>
public static class Expect
{
    public static readonly ReasonCode[] NotMedicallyNecessary = [ReasonCode.Carc("50", "CO")];
    public static readonly ReasonCode[] ExcludedByPlan = [ReasonCode.Carc("204", "PR")];
    public static readonly ReasonCode[] InvalidCode = [ReasonCode.Carc("181", "CO")];
    public static readonly ReasonCode[] InvalidCoding = [ReasonCode.Carc("11", "CO")];
    public static readonly ReasonCode[] NoReasonCodes = [];

    /// <summary>information-required: CARC 16 (group CO) with the given remark code (N350, M76 or M127).</summary>
    public static ReasonCode[] InformationRequired(string rarc) => [ReasonCode.Carc("16", "CO"), ReasonCode.Rarc(rarc)];

    /// <summary>The reason codes section 8 gives an outcome (information-required: null, as its RARC varies).</summary>
    public static ReasonCode[]? ReasonCodesOf(LineOutcome outcome) => outcome switch
    {
        LineOutcome.NotMedicallyNecessary => NotMedicallyNecessary,
        LineOutcome.Covered => NoReasonCodes,
        LineOutcome.ExcludedByPlan => ExcludedByPlan,
        LineOutcome.InvalidCode => InvalidCode,
        LineOutcome.InvalidCoding => InvalidCoding,
        LineOutcome.NotAddressed => NoReasonCodes,
        _ => null,
    };
}
