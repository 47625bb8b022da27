using Coverage.Engine.Json;

namespace Coverage.Store.Entities;

/// <summary>
/// The PAS request Bundle a pended case was submitted with: a subscription notification carries the full PAS response
/// Bundle (spec-61), which is built from the request as the provider sent it.
/// </summary>
public sealed class PasRequestBundleRecord
{
    public Guid CaseId { get; set; }
    /// <summary>The Bundle's JSON as sent, kept as its UTF-8 bytes (stored as text; <see cref="Utf8Json"/>).</summary>
    public Utf8Json BundleJson { get; set; } = Utf8Json.Empty;
    public DateTime KeptAt { get; set; }
}
