using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>Mapping rules CRD and PAS share.</summary>
public static class FhirMapping
{
    /// <summary>The plan id a Coverage names in its class of type "plan"; null when it names none (the default plan).</summary>
    public static string? PlanId(Hl7.Fhir.Model.Coverage coverage) =>
        coverage.Class.FirstOrDefault(c => c.Type?.Coding.Any(t => t.Code == "plan") == true)?.Value;
}
