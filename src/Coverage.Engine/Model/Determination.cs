namespace Coverage.Engine.Model;

/// <summary>The engine's answer to a coverage request (spec: request-and-determination.md).</summary>
public sealed record Determination
{
    public string? RequestId { get; init; }
    public required RequestOutcome Outcome { get; init; }
    /// <summary>True when any line is an adverse medical-necessity recommendation.</summary>
    public required bool RequiresPhysicianReview { get; init; }
    public required DateTimeOffset EvaluatedAt { get; init; }
    public required string EngineVersion { get; init; }
    /// <summary>The digest of the policy catalogue the lines were decided with (same digest, same rules).</summary>
    public string? CatalogueDigest { get; init; }
    public required IReadOnlyList<LineDetermination> Lines { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record LineDetermination
{
    public required int Sequence { get; init; }
    public required string Code { get; init; }
    public required DateOnly DateOfService { get; init; }
    public required LineOutcome Outcome { get; init; }
    public string? Modality { get; init; }
    public GoverningSource? GovernedBy { get; init; }
    public PolicyReference? Policy { get; init; }
    /// <summary>The title of a related coverage resource that addresses the line instead, if any.</summary>
    public string? RelatedPolicy { get; init; }
    public IReadOnlyList<ReasonCode> ReasonCodes { get; init; } = [];
    public required bool RequiresPhysicianReview { get; init; }
    public required string Rationale { get; init; }
    public IReadOnlyList<Citation> Citations { get; init; } = [];
    /// <summary>What the provider could send to let the line be decided (information-required lines).</summary>
    public IReadOnlyList<string> InformationNeeded { get; init; } = [];
    /// <summary>Present for lines of a modality for which the policy defines devices; null otherwise.</summary>
    public FdaLabelAssessment? FdaLabel { get; init; }
    /// <summary>The criteria of the statement that decided the line, each with its result; empty when it has none.</summary>
    public IReadOnlyList<CriterionFinding> Criteria { get; init; } = [];
    /// <summary>On information-required lines decided by criteria: the facts to send, each with the criteria it serves.</summary>
    public IReadOnlyList<FactNeeded> FactsNeeded { get; init; } = [];
    public required IReadOnlyList<string> Trace { get; init; }
}

public enum LineOutcome
{
    NotMedicallyNecessary,
    Covered,
    ExcludedByPlan,
    InvalidCode,
    InvalidCoding,
    InformationRequired,
    NotAddressed,
    /// <summary>Experimental, investigational or unproven (CARC 55): an adverse recommendation only a physician finalises.</summary>
    ExperimentalInvestigationalUnproven,
    /// <summary>The policy does not cover the service whatever its medical necessity (CARC 96).</summary>
    NotCovered,
}

public enum RequestOutcome
{
    Covered,
    NotCovered,
    PartiallyCovered,
    Pended,
    NotAddressed,
}

/// <summary>Which source governed a line (policy "Instructions for use": mandate, then plan, then policy).</summary>
public enum GoverningSource
{
    Mandate,
    Plan,
    Policy,
}

public sealed record PolicyReference(string Id, string Version, string Title);

/// <summary>An X12 claim adjustment reason code (CARC, with its group) or remark code (RARC, no group).</summary>
public sealed record ReasonCode(string System, string Code, string? Group)
{
    public static ReasonCode Carc(string code, string group) => new("CARC", code, group);
    public static ReasonCode Rarc(string code) => new("RARC", code, null);
}

/// <summary>Either a passage of the policy or plan (Section + Text) or a numbered reference of the policy.</summary>
public sealed record Citation
{
    public string? Section { get; init; }
    public int? Reference { get; init; }
    public required string Text { get; init; }

    public static Citation OfSection(string section, string text) => new() { Section = section, Text = text };
    public static Citation OfReference(int number, string text) => new() { Reference = number, Text = text };
}

public enum FdaLabelStatus
{
    OnLabel,
    OffLabel,
    Indeterminate,
    NoAuthorizedDevice,
}

public enum CriterionResult
{
    Met,
    Unmet,
    Unknown,
}

public sealed record CriterionAssessment(string Id, string Text, CriterionResult Result);

/// <summary>One criterion of the statement that decided a line: the policy's words, the section, the result, the facts it read.</summary>
public sealed record CriterionFinding(string Id, string Text, string Section, CriterionResult Result, IReadOnlyList<string> Facts);

/// <summary>
/// A fact to send so that open criteria can be decided: its name in "clinical" (or member.birthDate, or
/// diagnoses), type, unit and allowed values, what documents it, and the criteria it serves.
/// </summary>
public sealed record FactNeeded(string Fact, string Type, string? Unit, IReadOnlyList<string> Values, string Documentation, IReadOnlyList<string> Criteria);

/// <summary>Whether the patient is within an FDA-authorised device's indication (spec section 7). Informational.</summary>
public sealed record FdaLabelAssessment
{
    public string? Device { get; init; }
    public string? Manufacturer { get; init; }
    public string? Authorization { get; init; }
    public string? ProductCode { get; init; }
    public DateOnly? DecisionDate { get; init; }
    public required FdaLabelStatus Status { get; init; }
    public IReadOnlyList<CriterionAssessment> Criteria { get; init; } = [];
    public IReadOnlyList<string> Unmet { get; init; } = [];
    public IReadOnlyList<string> Unknown { get; init; } = [];
}
