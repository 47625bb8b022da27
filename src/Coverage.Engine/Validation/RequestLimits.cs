namespace Coverage.Engine.Validation;

/// <summary>How much one coverage request may carry, whatever format it came in (JSON, a draft from FHIR or a claim file).</summary>
public static class RequestLimits
{
    /// <summary>An 837P claim carries at most 50 service lines (loop 2400); a request is held to the same.</summary>
    public const int MaxServiceLines = 50;
    /// <summary>Institutional claims carry up to 25 diagnosis codes; no request needs more.</summary>
    public const int MaxDiagnoses = 25;
}
