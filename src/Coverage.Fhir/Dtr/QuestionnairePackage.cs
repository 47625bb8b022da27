using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Coverage.Fhir.Crd;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// DTR 2.0.1 <c>Questionnaire/$questionnaire-package</c>: the input Parameters (dtr-qpackage-input-parameters: one or more
/// <c>coverage</c>, and <c>order</c> resources or <c>questionnaire</c> canonicals) give the questionnaires; the output
/// Parameters (dtr-qpackage-output-parameters) hold one <c>PackageBundle</c> (DTR-QPackageBundle, a collection whose first
/// entry is the Questionnaire) per questionnaire, with the Library and ValueSets it names. An order is decided by the one
/// evaluator exactly as CRD decides it; a line the documentation can change gets the questionnaire of the statement or
/// device that is open (<see cref="QuestionnaireSubject.For"/>). No questionnaire to fill is no PackageBundle and an
/// information Outcome that says why.
/// </summary>
public static class QuestionnairePackage
{
    public const string Profile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/DTR-QPackageBundle";
    public const string OutputProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-qpackage-output-parameters";

    /// <summary>A catalogue by digest: the current one, or one the server still holds (null when it does not).</summary>
    public delegate Task<PolicyCatalogue?> CatalogueByDigest(string digest);

    /// <summary>The output Parameters, or an error OperationOutcome with the HTTP status to answer it with.</summary>
    public static async Task<(Parameters? Output, OperationOutcome? Error, int Status)> RunAsync(
        Parameters input, Evaluator evaluator, CatalogueByDigest catalogues, DtrCanonicals canonicals, DateTimeOffset now, PayerIdentity payer)
    {
        var catalogue = evaluator.Catalogue;
        // The operation's inputs (DTR 2.0.1 OperationDefinition questionnaire-package): another name was passed over, so a
        // caller's misspelt 'orders' or 'questionnaires' was answered as if it had not been sent.
        for (var i = 0; i < input.Parameter.Count; i++)
            if (input.Parameter[i].Name is not ("coverage" or "order" or "referenced" or "questionnaire" or "context" or "changedsince"))
                return Fail($"Parameters.parameter[{i}].name: '{InputEcho.Truncate(input.Parameter[i].Name ?? "")}' is not an input of $questionnaire-package (coverage, order, referenced, questionnaire, context, changedsince)",
                    $"Parameters.parameter[{i}].name");
        if (input.Parameter.Count(p => p.Name == "changedsince") > 1)
            return Fail("Parameters.parameter: 'changedsince' is given more than once (0..1)", "Parameters.parameter");
        var coverages = input.Parameter.Where(p => p.Name == "coverage").ToList();
        if (coverages.Count == 0)
            return Fail("Parameters.parameter: a 'coverage' parameter (the member's Coverage resource) is required", "Parameters.parameter");
        for (var i = 0; i < input.Parameter.Count; i++)
        {
            var parameter = input.Parameter[i];
            if (parameter.Name == "coverage" && parameter.Resource is not Hl7.Fhir.Model.Coverage)
                return Fail($"Parameters.parameter[{i}].resource: 'coverage' must hold a Coverage resource", $"Parameters.parameter[{i}].resource");
        }
        var orders = input.Parameter.Select((p, i) => (p, i)).Where(x => x.p.Name == "order").ToList();
        var canonicalsAsked = input.Parameter.Select((p, i) => (p, i)).Where(x => x.p.Name == "questionnaire").ToList();
        if (orders.Count == 0 && canonicalsAsked.Count == 0)
            return Fail("Parameters.parameter: name at least one 'order' (a request resource) or 'questionnaire' (a canonical) (dtr-1)", "Parameters.parameter");

        // The member's Coverage with this payer (docs/decisions.md "A request for another payer"): the others (a
        // secondary payer's) are not ours to answer for, and several of ours naming different plans leave no one plan.
        static Hl7.Fhir.Model.Coverage CoverageOf(Parameters.ParameterComponent parameter) => (Hl7.Fhir.Model.Coverage)parameter.Resource!;
        var ours = coverages.Where(c => payer.Serves(CoverageOf(c), ContainedIn(CoverageOf(c))) != false).ToList();
        if (ours.Count == 0)
        {
            var first = CoverageOf(coverages[0]);
            var path = $"Parameters.parameter[{input.Parameter.IndexOf(coverages[0])}].resource.payor";
            return Fail($"{path}: every Coverage given is with another payer ({InputEcho.Truncate(PayerIdentity.Named(first.Payor, ContainedIn(first)))}); " +
                $"this server's questionnaires are for {payer.Name} members only", path);
        }
        foreach (var given in ours)
            if (FhirMapping.TwoPlans(CoverageOf(given)) is { } twoPlans)
                return Fail($"Parameters.parameter[{input.Parameter.IndexOf(given)}].resource.class: {twoPlans}", $"Parameters.parameter[{input.Parameter.IndexOf(given)}].resource.class");
        if (ours.Select(c => FhirMapping.PlanId(CoverageOf(c))).Distinct().Count() > 1)
            return Fail($"Parameters.parameter: {ours.Count} Coverages with this payer name different plans; give the one the order is for", "Parameters.parameter");
        var coverageIndex = input.Parameter.IndexOf(ours[0]);
        var coverage = CoverageOf(ours[0]);
        var planId = FhirMapping.PlanId(coverage);
        if (planId is not null && catalogue.FindPlan(planId) is null)
            return Fail($"Parameters.parameter[{coverageIndex}].resource.class: the plan '{planId}' is not a plan this payer administers",
                $"Parameters.parameter[{coverageIndex}].resource.class", OperationOutcome.IssueType.NotFound, 404);

        var bundles = new List<(string Key, Bundle Bundle)>();
        var notes = new List<string>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var (parameter, index) in orders)
        {
            var path = $"Parameters.parameter[{index}].resource";
            if (parameter.Resource is not { } order || !OrderMapper.IsOrder(order))
                return Fail($"{path}: 'order' must hold a request resource (ServiceRequest, DeviceRequest, MedicationRequest…)", path);
            // The order and the Coverage must be about one patient: another's Coverage would decide this patient's order.
            if (HookPatient.IdOf(coverage.Beneficiary) is { } member
                && HookPatient.OfOrder(order).FirstOrDefault(p => HookPatient.NamesAnother(p.Reference, member)) is { Reference: not null } other)
                return Fail($"{path}.{other.Element}: the order is for Patient/{InputEcho.Truncate(HookPatient.IdOf(other.Reference))}, the Coverage's beneficiary is Patient/{InputEcho.Truncate(member)}; " +
                    "the order and the Coverage must be about one patient", $"{path}.{other.Element}");
            var line = Decide(order, coverage, planId, evaluator, today, out var why);
            if (line is null)
            {
                notes.Add($"{order.TypeName}/{order.Id}: {why}");
                continue;
            }
            if (QuestionnaireSubject.For(catalogue, line) is not { } subject)
            {
                notes.Add($"{order.TypeName}/{order.Id} ({line.Code}): no documentation can change the answer ({Wire(line.Outcome)}); no questionnaire");
                continue;
            }
            var key = canonicals.Questionnaire(canonicals.FormId(subject)) + "|" + catalogue.Digest;
            if (bundles.All(b => b.Key != key)) bundles.Add((key, Package(subject, catalogue, canonicals, now, canonicals.AdaptiveForms)));
        }
        foreach (var (parameter, index) in canonicalsAsked)
        {
            var path = $"Parameters.parameter[{index}].valueCanonical";
            var text = (parameter.Value as Canonical)?.Value ?? (parameter.Value as FhirUri)?.Value ?? (parameter.Value as FhirString)?.Value;
            if (text is null) return Fail($"{path}: 'questionnaire' must hold a canonical URL", path);
            if (canonicals.QuestionnaireOf(text) is not { } named)
                return Fail($"{path}: '{text}' is not a questionnaire of this payer (its questionnaires are under {canonicals.Questionnaire("")})", path, OperationOutcome.IssueType.NotFound, 404);
            var held = named.Version is null ? catalogue : await catalogues(named.Version);
            if (held is null)
                return Fail($"{path}: version '{named.Version}' of {named.Id} was generated from a catalogue this server no longer holds; ask again without a version for the current one", path, OperationOutcome.IssueType.NotFound, 404);
            if (QuestionnaireSubject.Find(held, named.Id) is not { } subject)
                return Fail($"{path}: this payer has no questionnaire '{named.Id}'{(named.Version is null ? "" : $" in version {named.Version}")}", path, OperationOutcome.IssueType.NotFound, 404);
            // The canonical names the form: the standard questionnaire, or its adaptive form.
            var adaptive = named.Id != subject.Id;
            var key = canonicals.Questionnaire(named.Id) + "|" + held.Digest;
            if (bundles.All(b => b.Key != key)) bundles.Add((key, Package(subject, held, canonicals, now, adaptive)));
        }

        var output = new Parameters { Meta = new Meta { Profile = [OutputProfile] } };
        foreach (var (_, bundle) in bundles) output.Parameter.Add(new Parameters.ParameterComponent { Name = "PackageBundle", Resource = bundle });
        if (notes.Count > 0)
        {
            var outcome = new OperationOutcome();
            foreach (var note in notes)
                outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational, Diagnostics = note });
            output.Parameter.Add(new Parameters.ParameterComponent { Name = "Outcome", Resource = outcome });
        }
        return (output, null, 200);
    }

    /// <summary>The PackageBundle of one questionnaire in its standard or its adaptive form (the same Library and ValueSets).</summary>
    private static Bundle Package(QuestionnaireSubject subject, PolicyCatalogue catalogue, DtrCanonicals canonicals, DateTimeOffset now, bool adaptive)
    {
        var generated = QuestionnaireBuilder.Build(subject, catalogue, canonicals, now);
        return Package(adaptive ? generated with { Questionnaire = AdaptiveQuestionnaire.Build(generated.Questionnaire, subject, canonicals) } : generated, now);
    }

    /// <summary>One PackageBundle: the Questionnaire first (dtrb-1), then its Library and ValueSets.</summary>
    public static Bundle Package(QuestionnaireBuilder.Generated generated, DateTimeOffset now)
    {
        var bundle = new Bundle
        {
            Meta = new Meta { Profile = [Profile] },
            Type = Bundle.BundleType.Collection,
            Timestamp = now,
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = generated.Questionnaire.Url, Resource = generated.Questionnaire });
        if (generated.Library is { } library) bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = library.Url, Resource = library });
        foreach (var valueSet in generated.ValueSets)
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = valueSet.Url, Resource = valueSet });
        return bundle;
    }

    /// <summary>The line an order gives under this Coverage, decided as CRD decides it; null with the reason when it cannot be assessed.</summary>
    private static LineDetermination? Decide(Resource order, Hl7.Fhir.Model.Coverage coverage, string? planId, Evaluator evaluator, DateOnly today, out string? why)
    {
        why = null;
        var catalogue = evaluator.Catalogue;
        var reading = OrderMapper.Read(order, _ => null,
            coding => [.. catalogue.OrderCodes.BillingCodesFor(coding.System, coding.Code).Select(c => new Coding(FhirSystems.ProcedureSystem(c), c))])!;
        if (reading.Facts is not { } facts)
        {
            why = reading.NotAssessed;
            return null;
        }
        LineDetermination? decided = null;
        foreach (var billingCode in facts.BillingCodes)
        {
            var draft = OrderMapper.ToRequest(facts, billingCode, $"dtr/{order.TypeName}/{order.Id}", FhirMapping.Member(coverage, null)?.Value, null, planId, today);
            var read = RequestValidator.Validate(draft, catalogue);
            if (!read.IsValid)
            {
                why ??= string.Join("; ", read.Errors.Select(e => $"{e.Field}: {e.Message}"));
                continue;
            }
            var line = evaluator.Evaluate(read.Request!).Lines[0];
            if (decided is null || (decided.Outcome == LineOutcome.NotAddressed && line.Outcome != LineOutcome.NotAddressed)) decided = line;
            if (line.Outcome != LineOutcome.NotAddressed) break;
        }
        return decided;
    }

    private static string Wire(LineOutcome outcome) => outcome.ToWire();

    /// <summary>A Coverage's payor may be an Organization it contains (<c>#id</c>); nothing else is resolved here.</summary>
    private static Func<ResourceReference, Resource?> ContainedIn(Hl7.Fhir.Model.Coverage coverage) =>
        reference => reference.Reference is ['#', .. var id] ? coverage.Contained.FirstOrDefault(r => r.Id == id) : null;

    private static (Parameters?, OperationOutcome?, int) Fail(string message, string expression, OperationOutcome.IssueType type = OperationOutcome.IssueType.Invalid, int status = 400) =>
        (null, Outcomes.Of(type, message, expression), status);
}
