using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Coverage.Server.Tests;

/// <summary>
/// Validates what the server returns against the base FHIR R4 specification (Firely validator, offline).
/// One validator for the whole run: loading the specification takes seconds.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    private static readonly object Gate = new();

    public static void AssertValid(Resource resource)
    {
        OperationOutcome outcome;
        lock (Gate) outcome = Shared.Value.Validate(resource);
        var errors = outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Details?.Text ?? i.Diagnostics} at {string.Join(", ", i.Expression)}")
            .ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName} is not valid FHIR R4:\n" + string.Join("\n", errors));
    }
}
