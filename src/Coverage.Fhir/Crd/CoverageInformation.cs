using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>What CRD asserts for one order, derived from the line determination (docs/crd-pas.md).</summary>
public sealed record CoverageAssertion(
    string Covered, string? PaNeeded, string? DocNeeded, IReadOnlyList<string> InfoNeeded, string Summary, string Indicator);

/// <summary>
/// Builds the Da Vinci CRD ext-coverage-information extension. Its invariants hold by construction:
/// no pa-needed when not covered (crd-ci-q2); info-needed exactly when something is conditional (crd-ci-q3).
/// </summary>
public static class CoverageInformation
{
    public static CoverageAssertion Assert(LineDetermination line)
    {
        var name = line.Modality ?? line.Code;
        return line.Outcome switch
        {
            LineOutcome.NotMedicallyNecessary => new("not-covered", null, null, [],
                $"Not covered: {name} ({line.Code}) is not medically necessary under policy {line.Policy?.Id}", "warning"),
            LineOutcome.ExperimentalInvestigationalUnproven => new("not-covered", null, null, [],
                $"Not covered: {name} ({line.Code}) is experimental, investigational or unproven under policy {line.Policy?.Id}", "warning"),
            LineOutcome.NotCovered => new("not-covered", null, null, [],
                $"Not covered: policy {line.Policy?.Id} does not cover {name} ({line.Code})", "warning"),
            LineOutcome.ExcludedByPlan => new("not-covered", null, null, [],
                $"Not covered: the member's plan excludes {name} ({line.Code})", "warning"),
            LineOutcome.InvalidCode => new("not-covered", null, null, [],
                $"Not covered as ordered: {line.Code} is not a valid code on {line.DateOfService:yyyy-MM-dd}", "warning"),
            LineOutcome.InvalidCoding => new("not-covered", null, null, [],
                $"Not covered as ordered: the diagnoses do not fit {line.Code}", "warning"),
            LineOutcome.Covered => new("covered", "auth-needed", null, [],
                $"Covered under the member's {(line.GovernedBy == GoverningSource.Mandate ? "mandated benefit" : "plan")}; prior authorization needed for {line.Code}", "info"),
            LineOutcome.InformationRequired => Conditional(line),
            _ => throw new ArgumentOutOfRangeException(nameof(line), "Lines this policy does not address get no coverage information."),
        };
    }

    private static CoverageAssertion Conditional(LineDetermination line)
    {
        var remark = line.ReasonCodes.FirstOrDefault(r => r.System == "RARC")?.Code;
        return remark switch
        {
            // The unlisted code is too coarse to decide without knowing the procedure.
            "N350" => new("conditional", "auth-needed", null, ["detail-code"],
                $"Coverage of {line.Code} depends on the procedure: describe it in the order", "info"),
            // Clinical documentation (FDA label criteria, the diagnosis) would decide it.
            _ => new("conditional", "auth-needed", "clinical", ["OTH"],
                $"Coverage of {line.Modality ?? line.Code} ({line.Code}) depends on clinical documentation; prior authorization needed", "info"),
        };
    }

    public static Extension Build(
        LineDetermination line, CoverageAssertion assertion, string coverageReference, string assertionId, DateOnly today, string? policyUrl)
    {
        var extension = new Extension { Url = FhirSystems.CrdCoverageInformation };
        extension.Extension.Add(new Extension("coverage", new ResourceReference(coverageReference)));
        extension.Extension.Add(new Extension("covered", new Code(assertion.Covered)));
        if (assertion.PaNeeded is not null) extension.Extension.Add(new Extension("pa-needed", new Code(assertion.PaNeeded)));
        if (assertion.DocNeeded is not null)
        {
            extension.Extension.Add(new Extension("doc-needed", new Code(assertion.DocNeeded)));
            extension.Extension.Add(new Extension("doc-purpose", new Code("withpa")));
        }
        foreach (var info in assertion.InfoNeeded) extension.Extension.Add(new Extension("info-needed", new Code(info)));
        extension.Extension.Add(new Extension("billingCode", new Coding(FhirSystems.ProcedureSystem(line.Code), line.Code)));
        extension.Extension.Add(new Extension("reason", new CodeableConcept { Text = Reason(line) }));
        if (policyUrl is not null)
        {
            var detail = new Extension { Url = "detail" };
            detail.Extension.Add(new Extension("code", new CodeableConcept(FhirSystems.CrdTemp, "policy-link", "Policy link")));
            detail.Extension.Add(new Extension("value", new FhirUrl(policyUrl)));
            detail.Extension.Add(new Extension("qualification", new FhirString(
                $"Policy {line.Policy!.Id} \"{line.Policy.Title}\", version {line.Policy.Version}")));
            extension.Extension.Add(detail);
        }
        extension.Extension.Add(new Extension("date", new Date(today.Year, today.Month, today.Day)));
        extension.Extension.Add(new Extension("coverage-assertion-id", new FhirString(assertionId)));
        return extension;
    }

    /// <summary>The reason in a sentence or two, from the determination's structured fields (<see cref="LineReason"/>).</summary>
    public static string Reason(LineDetermination line) => LineReason.Of(line).ToString();
}
