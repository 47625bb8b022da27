using System.Globalization;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>Mapping rules CRD, DTR and PAS share.</summary>
public static class FhirMapping
{
    /// <summary>HL7 v2 table 0203's code for a member number (US Core's Coverage <c>identifier:memberid</c> slice).</summary>
    private const string MemberNumber = "MB";
    private const string IdentifierTypes = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /// <summary>
    /// The plan id a Coverage names in its class of type "plan"; null when it names none (the default plan). A Coverage
    /// naming two different plans is refused first (<see cref="TwoPlans"/>): this is then the one it names.
    /// </summary>
    public static string? PlanId(Hl7.Fhir.Model.Coverage coverage) =>
        coverage.Class.FirstOrDefault(IsPlan)?.Value;

    /// <summary>
    /// Why the plan cannot be read from the Coverage: it names two different plans (US Core's <c>class:plan</c> is 0..1;
    /// taking the first would decide under a plan picked by the order of the classes). Null when it names one or none.
    /// </summary>
    public static string? TwoPlans(Hl7.Fhir.Model.Coverage coverage)
    {
        var plans = coverage.Class.Where(IsPlan).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        return plans.Count < 2 ? null
            : $"the Coverage names {plans.Count} plans ({string.Join(", ", plans.Take(3).Select(p => $"'{InputEcho.Truncate(p)}'"))}); a Coverage names one (US Core class:plan 0..1): give the plan the request is under";
    }

    private static bool IsPlan(Hl7.Fhir.Model.Coverage.ClassComponent c) => c.Type?.Coding.Any(t => t.Code == "plan") == true;

    /// <summary>
    /// The member a request is for, as the payer numbers them, and the element that said so: the Coverage's member id
    /// (US Core's and PAS 2.2.1's <c>identifier:memberid</c>, type MB: the beneficiary's own number — for a dependent,
    /// <c>subscriberId</c> is another person's), else <c>Coverage.subscriberId</c> (X12's subscriber loop: a dependent
    /// without a number of their own is known by the subscriber's), else the Coverage's first identifier, else the
    /// Patient's member number or first identifier. Null when none is given. One rule for every channel, so a
    /// submission, its inquiries and its updates name the member alike (docs/decisions.md "The member id is the
    /// beneficiary's own").
    /// </summary>
    public static MemberNumbered? Member(Hl7.Fhir.Model.Coverage? coverage, Patient? patient)
    {
        if (MemberNumberIn(coverage?.Identifier) is { } memberId) return new(memberId, "Coverage.identifier:memberid");
        if (NonBlank(coverage?.SubscriberId) is { } subscriberId) return new(subscriberId, "Coverage.subscriberId");
        if (coverage?.Identifier.Select(i => NonBlank(i.Value)).FirstOrDefault(v => v is not null) is { } identifier) return new(identifier, "Coverage.identifier");
        if (MemberNumberIn(patient?.Identifier) is { } patientMemberId) return new(patientMemberId, "Patient.identifier");
        return NonBlank(patient?.Identifier.FirstOrDefault()?.Value) is { } patientIdentifier ? new(patientIdentifier, "Patient.identifier") : null;
    }

    /// <summary>
    /// The day a FHIR date or dateTime names (its first ten characters, YYYY-MM-DD, the day in the value's own offset),
    /// or null when it names none (a year or a month only). The value was read as FHIR, so its form is FHIR's.
    /// </summary>
    public static DateOnly? DayOf(string? value) =>
        value is { Length: >= 10 } && (value.Length == 10 || value[10] == 'T')
        && DateOnly.TryParseExact(value.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : null;

    private static string? MemberNumberIn(List<Identifier>? identifiers) =>
        identifiers?.Where(i => i.Type?.Coding.Any(c => c.Code == MemberNumber && c.System is null or IdentifierTypes) == true)
            .Select(i => NonBlank(i.Value)).FirstOrDefault(v => v is not null);

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
