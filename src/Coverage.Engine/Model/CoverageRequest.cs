namespace Coverage.Engine.Model;

/// <summary>
/// The one request model every interface maps to (spec: request-and-determination.md).
/// Codes are already validated and normalised (CPT/HCPCS upper case, ICD-10-CM without the dot).
/// </summary>
public sealed record CoverageRequest
{
    public string? RequestId { get; init; }
    public RequestKind Kind { get; init; } = RequestKind.PriorAuthorization;
    public RequestPriority Priority { get; init; } = RequestPriority.Standard;
    public required Member Member { get; init; }
    public required DateOnly DateOfService { get; init; }
    /// <summary>ICD-10-CM codes, normalised: upper case, no dot (C50.411 → C50411).</summary>
    public IReadOnlyList<string> Diagnoses { get; init; } = [];
    public required IReadOnlyList<ServiceLine> ServiceLines { get; init; }
    public ClinicalFacts Clinical { get; init; } = ClinicalFacts.None;
    /// <summary>Where the services are given (a CMS place-of-service code, two digits), unless a line says otherwise.</summary>
    public string? PlaceOfService { get; init; }

    /// <summary>The line's own place of service, else the request's; null when neither states one.</summary>
    public string? PlaceOfServiceOf(ServiceLine line) => line.PlaceOfService ?? PlaceOfService;
}

/// <summary>What a line's units count (X12 SV103): units (UN), or minutes (MJ, anesthesia time).</summary>
public enum UnitOfMeasure
{
    Unit,
    Minutes,
}

public enum RequestKind
{
    PriorAuthorization,
    Claim,
}

public enum RequestPriority
{
    Standard,
    Expedited,
}

public sealed record Member
{
    public string? Id { get; init; }
    public DateOnly? BirthDate { get; init; }
    /// <summary>The member's administrative sex as stated (female, male, other); null when not stated or stated as unknown.</summary>
    public string? Sex { get; init; }
    /// <summary>The benefit plan; the catalogue's default plan when the request names none.</summary>
    public required string PlanId { get; init; }
    /// <summary>
    /// Social risk factors the payer knows of the member (<see cref="SocialRiskFactors"/>): carried for the health-equity
    /// analysis of prior authorization (CMS-4208-F), never an input to a decision — the evaluator does not read them.
    /// </summary>
    public IReadOnlyList<string> SocialRiskFactors { get; init; } = [];
}

/// <summary>The social risk factors of the MA health-equity analysis (42 CFR 422.137(d)(6)): dual eligibility, the low-income subsidy, disability.</summary>
public static class SocialRiskFactors
{
    public const string DualEligible = "dual-eligible";
    public const string LowIncomeSubsidy = "low-income-subsidy";
    public const string Disability = "disability";

    public static readonly IReadOnlyList<string> All = [DualEligible, LowIncomeSubsidy, Disability];
}

public sealed record ServiceLine
{
    public required int Sequence { get; init; }
    /// <summary>CPT or HCPCS code, upper case.</summary>
    public required string Code { get; init; }
    /// <summary>Free text; claims and orders carry it for unlisted codes.</summary>
    public string? Description { get; init; }
    /// <summary>
    /// CPT/HCPCS modifiers as billed (LT, RT, 50, 59…), upper case, at most four (X12 SV101-3..6).
    /// Carried through for claims and remittance; no policy rule reads them yet.
    /// </summary>
    public IReadOnlyList<string> Modifiers { get; init; } = [];
    /// <summary>How many: units, or minutes of anesthesia (X12 SV103 MJ); a decimal, as X12 SV104 is.</summary>
    public decimal Units { get; init; } = 1;
    public UnitOfMeasure UnitOfMeasure { get; init; } = UnitOfMeasure.Unit;
    /// <summary>A line's own date of service (claims carry one per line); else the request's.</summary>
    public DateOnly? DateOfService { get; init; }
    /// <summary>A line's own place of service (claims may carry one per line, X12 SV105); else the request's.</summary>
    public string? PlaceOfService { get; init; }
}
