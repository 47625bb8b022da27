namespace Coverage.Fhir;

/// <summary>A member's number and the FHIR element it was read from (named in an error about it): <see cref="FhirMapping.Member"/>.</summary>
public sealed record MemberNumbered(string Value, string Element);
