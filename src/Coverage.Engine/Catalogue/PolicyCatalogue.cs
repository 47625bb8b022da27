using System.Collections.Frozen;

namespace Coverage.Engine.Catalogue;

/// <summary>Every policy, plan and clinical fact definition the engine knows, validated (CatalogueLoader).</summary>
public sealed class PolicyCatalogue
{
    private readonly FrozenDictionary<string, CoveragePolicy> _policies;
    private readonly FrozenDictionary<string, BenefitPlan> _plans;

    public PolicyCatalogue(
        IReadOnlyList<CoveragePolicy> policies, IReadOnlyList<BenefitPlan> plans, FactDefinitions facts, string digest)
    {
        Policies = policies;
        Plans = plans;
        Facts = facts;
        Digest = digest;
        _policies = policies.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
        _plans = plans.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
        DefaultPlan = plans.Single(p => p.IsDefault);
    }

    public IReadOnlyList<CoveragePolicy> Policies { get; }
    public IReadOnlyList<BenefitPlan> Plans { get; }
    public BenefitPlan DefaultPlan { get; }
    public FactDefinitions Facts { get; }
    /// <summary>The clinical codes of orders and the CPT/HCPCS codes they are billed as (policies/order-codes.yaml).</summary>
    public OrderCodeMap OrderCodes { get; init; } = OrderCodeMap.Empty;
    /// <summary>SHA-256 of the catalogue files: two evaluations with the same digest used the same rules.</summary>
    public string Digest { get; }

    public CoveragePolicy? FindPolicy(string id) => _policies.GetValueOrDefault(id);

    public BenefitPlan? FindPlan(string id) => _plans.GetValueOrDefault(id);
}
