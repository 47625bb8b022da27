namespace Coverage.Store.Entities;

/// <summary>
/// The PAS request Bundle a pended case was submitted with: a subscription notification carries the full PAS response
/// Bundle (spec-61), which is built from the request as the provider sent it.
/// </summary>
public sealed class PasRequestBundleRecord
{
    public Guid CaseId { get; set; }
    public string BundleJson { get; set; } = "";
    public DateTime KeptAt { get; set; }
}
