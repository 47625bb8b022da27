namespace Coverage.Engine.Model;

/// <summary>The kebab-case strings of the public contract for each enumeration.</summary>
public static class WireNames
{
    public static string ToWire(this LineOutcome outcome) => outcome switch
    {
        LineOutcome.NotMedicallyNecessary => "not-medically-necessary",
        LineOutcome.Covered => "covered",
        LineOutcome.ExcludedByPlan => "excluded-by-plan",
        LineOutcome.InvalidCode => "invalid-code",
        LineOutcome.InvalidCoding => "invalid-coding",
        LineOutcome.InformationRequired => "information-required",
        LineOutcome.NotAddressed => "not-addressed",
        LineOutcome.ExperimentalInvestigationalUnproven => "experimental-investigational-unproven",
        LineOutcome.NotCovered => "not-covered",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    /// <summary>A coverage statement's determination as policy files and `policy show` write it.</summary>
    public static string ToWire(this Catalogue.StatementDetermination determination) => determination switch
    {
        Catalogue.StatementDetermination.MedicallyNecessary => "medically-necessary",
        Catalogue.StatementDetermination.NotMedicallyNecessary => "not-medically-necessary",
        Catalogue.StatementDetermination.ExperimentalInvestigationalUnproven => "experimental-investigational-unproven",
        Catalogue.StatementDetermination.NotCovered => "not-covered",
        _ => throw new ArgumentOutOfRangeException(nameof(determination)),
    };

    public static string ToWire(this RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Covered => "covered",
        RequestOutcome.NotCovered => "not-covered",
        RequestOutcome.PartiallyCovered => "partially-covered",
        RequestOutcome.Pended => "pended",
        RequestOutcome.NotAddressed => "not-addressed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static string ToWire(this GoverningSource source) => source switch
    {
        GoverningSource.Mandate => "mandate",
        GoverningSource.Plan => "plan",
        GoverningSource.Policy => "policy",
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    public static string ToWire(this FdaLabelStatus status) => status switch
    {
        FdaLabelStatus.OnLabel => "on-label",
        FdaLabelStatus.OffLabel => "off-label",
        FdaLabelStatus.Indeterminate => "indeterminate",
        FdaLabelStatus.NoAuthorizedDevice => "no-authorized-device",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>A criterion's result in a line's criteria list (request-and-determination.md, turn 2).</summary>
    public static string ToCriterionWire(this CriterionResult result) => result switch
    {
        CriterionResult.Met => "met",
        CriterionResult.Unmet => "not-met",
        CriterionResult.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };

    public static string ToWire(this CriterionResult result) => result switch
    {
        CriterionResult.Met => "met",
        CriterionResult.Unmet => "unmet",
        CriterionResult.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };

    public static string ToWire(this RequestKind kind) => kind switch
    {
        RequestKind.PriorAuthorization => "prior-authorization",
        RequestKind.Claim => "claim",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string ToWire(this RequestPriority priority) => priority switch
    {
        RequestPriority.Standard => "standard",
        RequestPriority.Expedited => "expedited",
        _ => throw new ArgumentOutOfRangeException(nameof(priority)),
    };

    public static LineOutcome ParseLineOutcome(string wire) =>
        Enum.GetValues<LineOutcome>().First(o => o.ToWire() == wire);
}
