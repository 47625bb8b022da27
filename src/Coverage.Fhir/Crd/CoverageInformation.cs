using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// What CRD asserts for one order under one Coverage (docs/crd-pas.md, "CRD 2.0.1"): the codes of the
/// ext-coverage-information extension, the reason in words (and, where CRD 2.0.1 has one, coded), and the billing code
/// the assertion is about (none when the order carries no code this payer's policies are written in).
/// </summary>
public sealed record CoverageAssertion(
    string Covered, string PaNeeded, string? DocNeeded, IReadOnlyList<string> InfoNeeded, string Reason, Coding? ReasonCode = null, Coding? BillingCode = null)
{
    /// <summary>
    /// For a secondary hook (order-select): no request for clinical or administrative information (hook-19) — no
    /// doc-needed, doc-purpose or info-needed; what is covered and whether prior authorization is needed stay.
    /// </summary>
    public CoverageAssertion WithoutInformationRequests() => this with { DocNeeded = null, InfoNeeded = [], Questionnaires = [] };

    /// <summary>The DTR questionnaires (canonical|version) whose answers the documentation asked for can be given in.</summary>
    public IReadOnlyList<string> Questionnaires { get; init; } = [];
}

/// <summary>
/// Builds the Da Vinci CRD 2.0.1 ext-coverage-information extension. Its invariants hold by construction:
/// pa-needed is always present (crd-ci-q2 as 2.0.1 writes it, docs/decisions.md "CRD 2.0.1 crd-ci-q2"); info-needed
/// only when something is conditional (crd-ci-q3); info-needed codes only from the required value set (performer,
/// location, timeframe, contract-window, OTH); detail only with the 2.0.1 value types — the policy is named in the
/// reason, not in a detail (2.0.1 has no policy-link detail code and allows no url value).
/// </summary>
public static class CoverageInformation
{
    /// <summary>The v3 NullFlavor "other": the one info-needed code 2.0.1 offers for "something else is needed".</summary>
    public const string InfoNeededOther = "OTH";

    /// <summary>CRD's "timeframe": when the service will be performed, more precisely than the order says, is needed.</summary>
    public const string InfoNeededTimeframe = "timeframe";

    /// <summary>The assertion for a line the evaluator decided; <paramref name="policyUrl"/> is where people can read the policy.</summary>
    public static CoverageAssertion Assert(LineDetermination line, string? policyUrl)
    {
        var reason = Reason(line) + (policyUrl is null ? "" : $" Policy: {policyUrl}");
        var billing = new Coding(FhirSystems.ProcedureSystem(line.Code), line.Code);
        return line.Outcome switch
        {
            LineOutcome.NotMedicallyNecessary or LineOutcome.ExperimentalInvestigationalUnproven or LineOutcome.NotCovered
                or LineOutcome.ExcludedByPlan or LineOutcome.InvalidCode or LineOutcome.InvalidCoding =>
                NotCovered(reason) with { BillingCode = billing },
            LineOutcome.Covered => new("covered", "auth-needed", null, [], reason, null, billing),
            LineOutcome.InformationRequired => Conditional(line, reason, billing),
            // No policy of this payer addresses the code: no policy asks for prior authorization, and what is paid follows
            // the member's benefits, which this service does not assess (docs/decisions.md "CRD: an assertion for every order").
            LineOutcome.NotAddressed => new("conditional", "no-auth", null, [],
                $"No coverage policy of this payer addresses {line.Code}: no prior authorization is required by policy; payment follows the member's benefits.",
                null, billing),
            _ => throw new ArgumentOutOfRangeException(nameof(line), line.Outcome, "An outcome CRD has no assertion for."),
        };
    }

    /// <summary>
    /// Not covered. pa-needed is <c>no-auth</c>: CRD 2.0.1's crd-ci-q2, as its FHIRPath reads, requires pa-needed on every
    /// assertion; "no prior authorization" is the one code that does not invite the EHR to seek an authorization for a
    /// service that would not be paid (docs/decisions.md "CRD 2.0.1 crd-ci-q2").
    /// </summary>
    public static CoverageAssertion NotCovered(string reason, Coding? reasonCode = null) => new("not-covered", "no-auth", null, [], reason, reasonCode);

    /// <summary>
    /// Coverage could not be assessed for this order (no billing code this payer's policies are written in, a resource
    /// type they do not address, or a reason the order cannot be read with): conditional on what the reason says.
    /// <paramref name="infoNeeded"/>: the info-needed code for what would let it be assessed (OTH: a CPT/HCPCS code, the
    /// reason says which; timeframe: the day of service), null when nothing would.
    /// CRD 2.0.1 has no "indeterminate"; conditional with pa-needed conditional is its nearest (2.2 adds indeterminate).
    /// </summary>
    public static CoverageAssertion NotAssessed(string reason, string? infoNeeded) =>
        new("conditional", "conditional", null, infoNeeded is null ? [] : [infoNeeded], reason);

    /// <summary>A technical failure kept this service from assessing the order (resp-43: 2.2's indeterminate/technical).</summary>
    public static CoverageAssertion Technical(string what) =>
        new("conditional", "conditional", null, [], $"Technical: coverage could not be assessed because {what}. Try again later.");

    private static CoverageAssertion Conditional(LineDetermination line, string reason, Coding billing)
    {
        var remark = line.ReasonCodes.FirstOrDefault(r => r.System == "RARC")?.Code;
        return remark switch
        {
            // The unlisted code is too coarse to decide without knowing the procedure: the order must describe it
            // (2.0.1 reason code detail-code; info-needed OTH, since the value set has no code for it).
            "N350" => new("conditional", "auth-needed", null, [InfoNeededOther],
                $"Coverage of {line.Code} depends on the procedure: describe it in the order. {reason}",
                new Coding(FhirSystems.CrdTemp, "detail-code", "Detail code"), billing),
            // Clinical documentation (FDA label criteria, the diagnosis) would decide it.
            _ => new("conditional", "auth-needed", "clinical", [InfoNeededOther], reason, null, billing),
        };
    }

    public static Extension Build(CoverageAssertion assertion, string coverageReference, string assertionId, DateOnly today)
    {
        var extension = new Extension { Url = FhirSystems.CrdCoverageInformation };
        foreach (var part in Parts(assertion, coverageReference)) extension.Extension.Add(part);
        extension.Extension.Add(new Extension("date", new Date(today.Year, today.Month, today.Day)));
        extension.Extension.Add(new Extension("coverage-assertion-id", new FhirString(assertionId)));
        return extension;
    }

    /// <summary>
    /// Whether <paramref name="existing"/> (an ext-coverage-information already on the order) says what this assertion
    /// says for the same Coverage, its date and assertion id aside: then there is nothing new to send (resp-35).
    /// </summary>
    public static bool SaysTheSame(Extension existing, CoverageAssertion assertion, string coverageReference)
    {
        var old = existing.Extension.Where(e => e.Url is not ("date" or "coverage-assertion-id")).ToList();
        var now = Parts(assertion, coverageReference);
        return old.Count == now.Count && old.Zip(now).All(p => p.First.IsExactly(p.Second));
    }

    /// <summary>The coverage this ext-coverage-information is about (its coverage reference), if it names one.</summary>
    public static string? CoverageOf(Extension extension) =>
        (extension.Extension.FirstOrDefault(e => e.Url == "coverage")?.Value as ResourceReference)?.Reference;

    private static List<Extension> Parts(CoverageAssertion assertion, string coverageReference)
    {
        var parts = new List<Extension>
        {
            new("coverage", new ResourceReference(coverageReference)),
            new("covered", new Code(assertion.Covered)),
            new("pa-needed", new Code(assertion.PaNeeded)),
        };
        if (assertion.DocNeeded is not null)
        {
            parts.Add(new Extension("doc-needed", new Code(assertion.DocNeeded)));
            parts.Add(new Extension("doc-purpose", new Code("withpa")));
        }
        foreach (var info in assertion.InfoNeeded) parts.Add(new Extension("info-needed", new Code(info)));
        // Only beside doc-needed: the questionnaire is how the documentation is given (CRD 2.0.1 "questionnaire").
        if (assertion.DocNeeded is not null)
            foreach (var questionnaire in assertion.Questionnaires) parts.Add(new Extension("questionnaire", new Canonical(questionnaire)));
        if (assertion.BillingCode is not null) parts.Add(new Extension("billingCode", assertion.BillingCode));
        var reason = new CodeableConcept { Text = assertion.Reason };
        if (assertion.ReasonCode is not null) reason.Coding.Add(assertion.ReasonCode);
        parts.Add(new Extension("reason", reason));
        return parts;
    }

    /// <summary>The reason in a sentence or two, from the determination's structured fields (<see cref="LineReason"/>).</summary>
    public static string Reason(LineDetermination line) => LineReason.Of(line).ToString();
}
