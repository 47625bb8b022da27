using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>Mapping rules CRD and PAS share.</summary>
public static class FhirMapping
{
    /// <summary>The plan id a Coverage names in its class of type "plan"; null when it names none (the default plan).</summary>
    public static string? PlanId(Hl7.Fhir.Model.Coverage coverage) =>
        coverage.Class.FirstOrDefault(c => c.Type?.Coding.Any(t => t.Code == "plan") == true)?.Value;

    /// <summary>
    /// The reason in a sentence or two: a determination's rationale without the policy's evidence review,
    /// which a clinician's card or a ClaimResponse note does not need (the policy link and citations carry it).
    /// </summary>
    public static string ReasonOf(string rationale)
    {
        var cut = rationale.IndexOf(" The policy's review of the evidence", StringComparison.Ordinal);
        var text = cut > 0 ? rationale[..cut] : rationale;
        return text.Length <= 1000 ? text : text[..997] + "...";
    }
}
