using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>A member's benefit plan: its riders and exclusions, and the mandates that apply to it (spec section 9).</summary>
public sealed record BenefitPlan
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    /// <summary>The plan used when a request names none.</summary>
    public required bool IsDefault { get; init; }
    /// <summary>
    /// The line of business the plan is sold in (<see cref="LinesOfBusiness"/>): it chooses the regulation whose
    /// decision and appeal timeframes apply. Null when the plan file does not say (docs/decisions.md, "Decision clocks").
    /// </summary>
    public string? LineOfBusiness { get; init; }
    /// <summary>How many days after the adverse decision's notice a member may appeal (ERISA: at least 180).</summary>
    public int AppealWindowDays { get; init; } = DefaultAppealWindowDays;
    /// <summary>Mandates first, then the plan's own provisions, each group in file order (policy "Instructions for use").</summary>
    public required IReadOnlyList<PlanProvision> Provisions { get; init; }

    /// <summary>The filing window when the plan file names none: 180 days, as 29 CFR 2560.503-1(h)(3)(i) requires of group health plans.</summary>
    public const int DefaultAppealWindowDays = 180;
}

public enum ProvisionEffect
{
    Cover,
    Exclude,
}

public sealed record PlanProvision
{
    public required string Id { get; init; }
    /// <summary>Mandate or Plan: a mandate outranks the plan document, which outranks the policy.</summary>
    public required GoverningSource Source { get; init; }
    /// <summary>rider, exclusion or mandate: how the plan document names it.</summary>
    public required string Kind { get; init; }
    public required ProvisionEffect Effect { get; init; }
    public required string PolicyId { get; init; }
    /// <summary>The modalities it applies to; null for every modality of the policy.</summary>
    public IReadOnlySet<string>? Modalities { get; init; }
    /// <summary>When set, the provision applies only when the FDA label assessment has this status.</summary>
    public FdaLabelStatus? RequiresFdaLabel { get; init; }
    public required string Section { get; init; }
    public required string Text { get; init; }

    public bool AppliesTo(string policyId, string modality) =>
        string.Equals(PolicyId, policyId, StringComparison.Ordinal)
        && (Modalities is null || Modalities.Contains(modality));
}
