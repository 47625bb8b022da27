using System.Collections.Frozen;

namespace Coverage.Engine.Catalogue;

/// <summary>
/// The catalogue's map from the clinical codes orders are written in (e.g. SNOMED CT) to the CPT/HCPCS codes the
/// policies are written in (<c>policies/order-codes.yaml</c>, docs/crd-pas.md, "CRD: CDS Hooks services"). CRD reads an order
/// coded only clinically by the billing codes this map gives it. It is not a coverage rule: it turns an order into a
/// request, and the request (with the billing code it names) is what a determination records, so it stays outside the
/// catalogue digest (docs/decisions.md "CRD: clinical codes of orders").
/// </summary>
public sealed class OrderCodeMap
{
    public const string FileName = "order-codes.yaml";

    public static readonly OrderCodeMap Empty = new([]);

    private readonly FrozenDictionary<(string System, string Code), IReadOnlyList<string>> _billing;

    public OrderCodeMap(IReadOnlyList<OrderCode> entries)
    {
        Entries = entries;
        _billing = entries.ToFrozenDictionary(e => (e.System, e.Code), e => e.BillingCodes);
    }

    public IReadOnlyList<OrderCode> Entries { get; }

    /// <summary>The CPT/HCPCS codes a clinical coding is billed as; none when the map does not name it.</summary>
    public IReadOnlyList<string> BillingCodesFor(string? system, string? code) =>
        system is null || code is null ? [] : _billing.GetValueOrDefault((system, code)) ?? [];
}

/// <summary>One clinical coding and the CPT/HCPCS codes it is billed as, with where the pairing comes from.</summary>
public sealed record OrderCode(string System, string Code, string? Display, IReadOnlyList<string> BillingCodes, string Source);
