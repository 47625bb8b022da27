using System.Collections.Frozen;
using System.Reflection;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// Decides every service line of a request against the catalogue, in the order of the spec
/// (coverage-semantics.md): code validity → policy version → modality → diagnosis → FDA label →
/// plan and mandate → coverage statement; then aggregates the request outcome (section 8).
/// Pure and deterministic: no I/O, no clock but the injected <see cref="TimeProvider"/> for evaluatedAt.
/// </summary>
public sealed class Evaluator
{
    private readonly PolicyCatalogue _catalogue;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, CompiledPolicy[]> _policiesByCode;
    private readonly string? _ageFact;

    public Evaluator(PolicyCatalogue catalogue, TimeProvider? time = null)
    {
        _catalogue = catalogue;
        _time = time ?? TimeProvider.System;
        var compiled = catalogue.Policies.Select(p => new CompiledPolicy(p)).ToList();
        _policiesByCode = compiled
            .SelectMany(p => p.Policy.Codes.Keys.Select(code => (code, policy: p)))
            .GroupBy(x => x.code, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.policy).ToArray(), StringComparer.Ordinal);
        _ageFact = catalogue.Facts.All.FirstOrDefault(f => f.DerivedFrom == FactDefinitions.AgeOnDateOfService)?.Name;
    }

    public static string EngineVersion { get; } =
        typeof(Evaluator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public PolicyCatalogue Catalogue => _catalogue;

    public Determination Evaluate(CoverageRequest request)
    {
        var plan = _catalogue.FindPlan(request.Member.PlanId)
            ?? throw new ArgumentException($"Plan '{request.Member.PlanId}' is not in the catalogue; the request reader must reject it.", nameof(request));
        var warnings = new List<string>();
        var lines = new LineDetermination[request.ServiceLines.Count];
        for (var i = 0; i < lines.Length; i++)
            lines[i] = EvaluateLine(request, plan, request.ServiceLines[i], warnings);

        return new Determination
        {
            RequestId = request.RequestId,
            Outcome = Aggregate(lines),
            RequiresPhysicianReview = lines.Any(l => l.RequiresPhysicianReview),
            EvaluatedAt = _time.GetUtcNow(),
            EngineVersion = EngineVersion,
            CatalogueDigest = _catalogue.Digest,
            Lines = lines,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Spec section 8: not-addressed if every line is; else pended if any line needs information;
    /// else, over the addressed lines, covered if all are, not-covered if none is, partially-covered otherwise.
    /// </summary>
    public static RequestOutcome Aggregate(IReadOnlyCollection<LineDetermination> lines) => Aggregate(lines.Select(l => l.Outcome).ToList());

    /// <summary>The same aggregation over bare outcomes (a case's final outcome after reviewer decisions).</summary>
    public static RequestOutcome Aggregate(IReadOnlyCollection<LineOutcome> outcomes)
    {
        if (outcomes.All(o => o == LineOutcome.NotAddressed)) return RequestOutcome.NotAddressed;
        if (outcomes.Any(o => o == LineOutcome.InformationRequired)) return RequestOutcome.Pended;
        var addressed = outcomes.Count(o => o != LineOutcome.NotAddressed);
        var covered = outcomes.Count(o => o == LineOutcome.Covered);
        return covered == addressed ? RequestOutcome.Covered
            : covered == 0 ? RequestOutcome.NotCovered
            : RequestOutcome.PartiallyCovered;
    }

    private LineDetermination EvaluateLine(CoverageRequest request, BenefitPlan plan, ServiceLine line, List<string> warnings)
    {
        var dateOfService = line.DateOfService ?? request.DateOfService;
        if (!_policiesByCode.TryGetValue(line.Code, out var candidates))
        {
            return new LineDraft(line, dateOfService)
                .Trace($"catalogue: no policy in the catalogue lists code {line.Code}")
                .NotAddressed($"No coverage policy in this catalogue addresses code {line.Code}; this determination does not decide it.");
        }

        // A code may be listed by several policies (19499 is every unlisted breast procedure): the first
        // policy that addresses the line decides it; if none does, the first one's explanation stands.
        LineDetermination? first = null;
        foreach (var policy in candidates)
        {
            var result = new LineEvaluation(this, policy, request, plan, line, dateOfService).Run(warnings);
            if (result.Outcome != LineOutcome.NotAddressed) return result;
            first ??= result;
        }
        return first!;
    }

    private RequestFacts FactsOn(CoverageRequest request, DateOnly dateOfService)
    {
        int? age = request.Member.BirthDate is { } birth ? RequestFacts.AgeOn(birth, dateOfService) : null;
        return new RequestFacts(request.Clinical, _ageFact, age);
    }

    /// <summary>One line under one policy, step by step, each step adding to the trace.</summary>
    private sealed class LineEvaluation(
        Evaluator evaluator, CompiledPolicy compiled, CoverageRequest request, BenefitPlan plan, ServiceLine line, DateOnly dateOfService)
    {
        private readonly CoveragePolicy _policy = compiled.Policy;
        private readonly LineDraft _draft = new(line, dateOfService);
        private FdaDevice? _device;

        public LineDetermination Run(List<string> warnings)
        {
            var code = _policy.Codes[line.Code];
            var version = _policy.VersionOn(dateOfService);
            if (version is not null) _draft.Policy = compiled.ReferenceTo(version);

            // 1. Code validity, before anything else (policy, Coding Information note 2; spec section 3).
            if (!code.Validity.IsValidOn(dateOfService)) return InvalidCode(code, version);
            _draft.Trace($"code-validity: {code.System} {code.Code} is valid on {dateOfService:yyyy-MM-dd} ({Explain.Validity(code.Validity)})");

            // 2. The policy version in effect on the date of service (spec section 2).
            if (version is null)
            {
                _draft.Trace($"policy-version: {dateOfService:yyyy-MM-dd} is before the first version of policy {_policy.Id} ({_policy.Versions[0].Version})");
                return _draft.NotAddressed(
                    $"The date of service {dateOfService:yyyy-MM-dd} is before the earliest version of policy {_policy.Id} " +
                    $"\"{_policy.Title}\" that the catalogue holds ({_policy.Versions[0].Version}), so this policy does not decide the line.");
            }
            _draft.Trace($"policy-version: {_policy.Id} version {version.Version} ({version.ReviewType}) is in effect on {dateOfService:yyyy-MM-dd}");
            if (version == _policy.CurrentVersion && dateOfService > _policy.NextReviewDate)
            {
                var warning = $"Policy {_policy.Id} version {version.Version} was due for review on {_policy.NextReviewDate:yyyy-MM-dd}; " +
                    $"line {line.Sequence} (date of service {dateOfService:yyyy-MM-dd}) was evaluated against it as the latest version.";
                warnings.Add(warning);
                _draft.Trace($"policy-version: past its next review date {_policy.NextReviewDate:yyyy-MM-dd}; still the latest version");
            }
            if (!version.Codes.Contains(code.Code))
            {
                _draft.Trace($"policy-version: version {version.Version} does not list code {code.Code}");
                return _draft.NotAddressed(
                    $"Policy {_policy.Id} version {version.Version} does not list code {code.Code}, so it does not decide the line.");
            }

            // 3. What the line is (spec section 4).
            var modality = Modality(code, version);
            if (modality is null) return _draft.Result!;

            // 4. Is the target the policy's condition (spec section 5)?
            if (!DiagnosisFits(code)) return _draft.Result!;

            // 5. The FDA label (spec section 7): informational, but plan provisions may depend on it.
            var label = AssessLabel(modality);
            _draft.FdaLabel = label;

            // 6. Mandate, then plan, then policy (policy, "Instructions for use"; spec section 1).
            foreach (var provision in plan.Provisions)
            {
                var decided = Apply(provision, version, modality, label);
                if (decided is not null) return decided;
            }
            if (plan.Provisions.Count == 0)
                _draft.Trace($"plan: {plan.Id} has no provision for policy {_policy.Id}; the policy governs");

            // 7. The coverage statement of the version (spec section 6).
            return Statement(version, modality, label);
        }

        private LineDetermination InvalidCode(ProcedureCode code, PolicyVersion? version)
        {
            var window = Explain.Validity(code.Validity);
            _draft.Trace($"code-validity: {code.System} {code.Code} is not valid on {dateOfService:yyyy-MM-dd} ({window})");
            _draft.Citations.Add(_policy.Texts.CodeValidity.ToCitation());
            _draft.Citations.Add(Citation.OfSection($"Code validity: {code.System} {code.Code}", code.Validity.Source));
            return _draft.Decide(
                LineOutcome.InvalidCode, version is null ? null : GoverningSource.Policy,
                [ReasonCode.Carc("181", "CO")],
                $"{code.System} code {code.Code} (\"{code.Description}\") was not a valid code on the date of service " +
                $"{dateOfService:yyyy-MM-dd}: {window}. Policy {_policy.Id} says: \"{_policy.Texts.CodeValidity.Text}\" " +
                "The line can be resubmitted with the code that was in effect when the service was rendered.");
        }

        private string? Modality(ProcedureCode code, PolicyVersion version)
        {
            string modality;
            if (code.Modality is not null)
            {
                modality = code.Modality;
                _draft.Trace($"modality: {code.Code} is {modality} by its descriptor (\"{code.Description}\")");
            }
            else
            {
                var match = compiled.Classifier.Classify(line.Description);
                switch (match.Kind)
                {
                    case DescriptionKind.Modality:
                        modality = match.Target!;
                        _draft.Trace($"modality: the description of unlisted code {code.Code} names {modality} (matched \"{string.Join("\", \"", match.Terms)}\")");
                        break;
                    case DescriptionKind.Missing:
                        _draft.Trace($"modality: unlisted code {code.Code} has no description; the procedure cannot be identified");
                        _draft.InformationNeeded.Add($"A description of the procedure billed with unlisted code {code.Code}: which procedure ({compiled.ModalityChoices}) and its target");
                        _draft.Result = _draft.Decide(
                            LineOutcome.InformationRequired, GoverningSource.Policy,
                            [ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("N350")],
                            $"Code {code.Code} is an unlisted procedure code (\"{code.Description}\"), and the line has no description of the procedure, " +
                            "so it cannot be told which treatment was requested. Please send a description of the procedure.");
                        return null;
                    case DescriptionKind.Ambiguous:
                    case DescriptionKind.UnspecifiedProcedure:
                        var ambiguous = match.Kind == DescriptionKind.Ambiguous;
                        _draft.Trace(ambiguous
                            ? $"modality: the description of unlisted code {code.Code} names more than one procedure (\"{string.Join("\", \"", match.Terms)}\")"
                            : $"modality: the description of unlisted code {code.Code} names an ablation (\"{match.Terms[0]}\") but not which one");
                        _draft.InformationNeeded.Add($"Which procedure was performed under unlisted code {code.Code} ({compiled.ModalityChoices})");
                        _draft.Result = _draft.Decide(
                            LineOutcome.InformationRequired, GoverningSource.Policy,
                            [ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("N350")],
                            $"The description \"{line.Description}\" of unlisted code {code.Code} " +
                            (ambiguous ? "names more than one procedure" : "names an ablation without saying which kind") +
                            ", so the treatment cannot be identified. Please send a description that names the procedure performed.");
                        return null;
                    case DescriptionKind.RelatedResource:
                        _draft.Trace($"modality: the description of unlisted code {code.Code} names a procedure of the related resource \"{match.Target}\" (matched \"{string.Join("\", \"", match.Terms)}\")");
                        _draft.RelatedPolicy = match.Target;
                        _draft.Citations.Add(_policy.Texts.RelatedResources.ToCitation());
                        _draft.Result = _draft.NotAddressed(
                            $"The description \"{line.Description}\" names a procedure that policy {_policy.Id} does not address; " +
                            $"the related coverage resource \"{match.Target}\" does.");
                        return null;
                    default:
                        _draft.Trace($"modality: the description of unlisted code {code.Code} names no ablation this policy addresses");
                        _draft.Citations.Add(_policy.Texts.Overview.ToCitation());
                        _draft.Result = _draft.NotAddressed(
                            $"The description \"{line.Description}\" of unlisted code {code.Code} names no treatment that policy {_policy.Id} addresses " +
                            $"({string.Join(", ", _policy.Modalities.Values.Select(m => m.Name.ToLowerInvariant()))}), so this policy does not decide the line.");
                        return null;
                }
            }
            _draft.Modality = modality;
            if (version.Modalities.Contains(modality)) return modality;

            var added = compiled.VersionAdding(modality);
            _draft.Trace($"modality: version {version.Version} does not address {modality}" + (added is null ? "" : $" (added in version {added.Version})"));
            _draft.Citations.Add(compiled.Statements[version.Version]);
            _draft.Result = _draft.NotAddressed(
                $"{compiled.ModalityName(modality)} was not among the treatments policy {_policy.Id} addressed in version {version.Version}, " +
                $"in effect on {dateOfService:yyyy-MM-dd}" + (added is null ? "." : $"; it was added by the {added.ReviewType.ToLowerInvariant()} effective {added.Version}."));
            return null;
        }

        private bool DiagnosisFits(ProcedureCode code)
        {
            var condition = _policy.Condition;
            string? matching = null;
            foreach (var diagnosis in request.Diagnoses)
                if (condition.Contains(diagnosis)) { matching = diagnosis; break; }
            var given = string.Join(", ", request.Diagnoses.Select(CodeFormats.DisplayIcd10));

            if (matching is not null)
            {
                _draft.Trace($"diagnosis: {CodeFormats.DisplayIcd10(matching)} is a {condition.Name} ({condition.Display})");
                return true;
            }
            if (code.NamesCondition)
            {
                if (request.Diagnoses.Count == 0)
                {
                    _draft.Trace($"diagnosis: none given; code {code.Code} itself names a {condition.Name}");
                    return true;
                }
                _draft.Trace($"diagnosis: none of {given} is a {condition.Name} ({condition.Display}), which code {code.Code} names");
                _draft.Citations.Add(_policy.Texts.DiagnosisCoding.ToCitation());
                _draft.Result = _draft.Decide(
                    LineOutcome.InvalidCoding, GoverningSource.Policy,
                    [ReasonCode.Carc("11", "CO")],
                    $"Code {code.Code} (\"{code.Description}\") describes treatment of a {condition.Name}, but the diagnoses on the request ({given}) " +
                    $"are not a {condition.Name}. The procedure and the diagnosis do not agree; please correct the coding.");
                return false;
            }
            if (request.Diagnoses.Count == 0)
            {
                _draft.Trace($"diagnosis: none given; unlisted code {code.Code} needs a diagnosis to fall under policy {_policy.Id}");
                _draft.InformationNeeded.Add($"The diagnosis (ICD-10-CM) for the treated lesion: policy {_policy.Id} addresses a {condition.Name} ({condition.Display})");
                _draft.Result = _draft.Decide(
                    LineOutcome.InformationRequired, GoverningSource.Policy,
                    [ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("M76")],
                    $"The request gives no diagnosis, so it cannot be told whether the {compiled.ModalityName(_draft.Modality!).ToLowerInvariant()} " +
                    $"billed with unlisted code {code.Code} treats a {condition.Name}. Please send the diagnosis.");
                return false;
            }
            _draft.Trace($"diagnosis: none of {given} is a {condition.Name} ({condition.Display}); the policy does not address this target");
            _draft.Citations.Add(_policy.Texts.Overview.ToCitation());
            _draft.Result = _draft.NotAddressed(
                $"Policy {_policy.Id} addresses ablation of a {condition.Name}; the diagnoses on the request ({given}) are not one, " +
                "so this policy does not decide the line.");
            return false;
        }

        private FdaLabelAssessment AssessLabel(string modality)
        {
            var device = _device = FdaLabelAssessor.DeviceFor(_policy, modality, dateOfService);
            if (device is null)
            {
                _draft.Trace($"fda-label: no FDA-authorized device for {modality} of a {_policy.Condition.Name} on {dateOfService:yyyy-MM-dd}");
                return FdaLabelAssessor.NoAuthorizedDevice;
            }
            var label = FdaLabelAssessor.Assess(device, evaluator.FactsOn(request, dateOfService));
            _draft.Trace($"fda-label: {device.Name} ({device.Authorization}): {label.Status.ToWire()}" + Explain.CriteriaLists(label));
            return label;
        }

        private LineDetermination? Apply(PlanProvision provision, PolicyVersion version, string modality, FdaLabelAssessment label)
        {
            var who = $"{provision.Kind} '{provision.Id}' of plan {plan.Id}";
            var source = provision.Source == GoverningSource.Mandate ? "A coverage mandate that applies to the member's plan" : "The member's benefit plan";
            if (!provision.AppliesTo(_policy.Id, modality))
            {
                _draft.Trace(provision.PolicyId == _policy.Id
                    ? $"plan: {who} does not concern {modality}"
                    : $"plan: {who} concerns policy {provision.PolicyId}, not {_policy.Id}");
                return null;
            }
            if (provision.RequiresFdaLabel is { } required && label.Status != required)
            {
                if (label.Status == FdaLabelStatus.Indeterminate)
                {
                    // Section 9: the provision might apply, so ask for the records that would tell.
                    _draft.Trace($"plan: {who} applies only when the FDA label is {required.ToWire()}; the label is indeterminate");
                    _draft.Citations.Add(Citation.OfSection(provision.Section, provision.Text));
                    foreach (var id in label.Unknown)
                        _draft.InformationNeeded.Add(Explain.Documentation(_device!, evaluator._catalogue.Facts, id));
                    return _draft.Decide(
                        LineOutcome.InformationRequired, provision.Source,
                        [ReasonCode.Carc("16", "CO"), ReasonCode.Rarc("M127")],
                        $"{source} ({provision.Section}) covers {compiled.ModalityName(modality).ToLowerInvariant()} when the patient is within " +
                        $"the FDA-labeled indication of {label.Device}. The records do not show whether these criteria are met: " +
                        $"{Explain.CriterionTexts(label, label.Unknown)}. Please send the documentation so the line can be decided.");
                }
                _draft.Trace($"plan: {who} does not apply: it requires the FDA label to be {required.ToWire()} and it is {label.Status.ToWire()}");
                return null;
            }

            _draft.Trace($"plan: {who} applies ({provision.Source.ToWire()} governs)");
            _draft.Citations.Add(Citation.OfSection(provision.Section, provision.Text));
            _draft.Citations.Add(_policy.Texts.InstructionsForUse.ToCitation());
            var name = compiled.ModalityName(modality);
            if (provision.Effect == ProvisionEffect.Cover)
            {
                var labelSentence = provision.RequiresFdaLabel is null ? ""
                    : $" The patient meets every criterion of the FDA-labeled indication of {label.Device} ({label.Authorization}).";
                return _draft.Decide(
                    LineOutcome.Covered, provision.Source, [],
                    $"{source} covers {name.ToLowerInvariant()} of a {_policy.Condition.Name} ({provision.Section}: \"{provision.Text}\").{labelSentence} " +
                    $"The plan's terms supersede policy {_policy.Id}" +
                    (version.Statement.Determination == StatementDetermination.NotMedicallyNecessary ? ", which would otherwise consider it not medically necessary." : "."));
            }
            return _draft.Decide(
                LineOutcome.ExcludedByPlan, provision.Source,
                [ReasonCode.Carc("204", "PR")],
                $"{source} excludes this service ({provision.Section}: \"{provision.Text}\"). " +
                $"It is not a covered benefit, whatever its medical necessity; the plan's terms supersede policy {_policy.Id}.");
        }

        private LineDetermination Statement(PolicyVersion version, string modality, FdaLabelAssessment label)
        {
            var statement = version.Statement;
            var name = compiled.ModalityName(modality);
            _draft.Citations.Add(compiled.Statements[version.Version]);
            if (statement.Determination == StatementDetermination.MedicallyNecessary)
            {
                _draft.Trace($"coverage-statement: version {version.Version} considers {modality} medically necessary");
                return _draft.Decide(LineOutcome.Covered, GoverningSource.Policy, [],
                    $"Policy {_policy.Id} \"{_policy.Title}\" (version {version.Version}) considers {name.ToLowerInvariant()} medically necessary: \"{statement.Text}\"");
            }

            _draft.Trace($"coverage-statement: version {version.Version} considers {modality} not medically necessary; a physician reviewer must decide");
            var evidence = compiled.Evidence[modality];
            _draft.Citations.AddRange(evidence.Citations);
            if (label.Device is not null) _draft.Citations.Add(_policy.Texts.FdaNote.ToCitation());
            return _draft.Decide(
                LineOutcome.NotMedicallyNecessary, GoverningSource.Policy,
                [ReasonCode.Carc("50", "CO")],
                $"Policy {_policy.Id} \"{_policy.Title}\" (version {version.Version}) considers {name.ToLowerInvariant()} of a {_policy.Condition.Name} " +
                $"not medically necessary: \"{statement.Text}\" {evidence.Summary} {Explain.LabelSentence(label, _policy.Condition.Name, _policy.Texts.FdaNote.Text)}" +
                "This is a recommendation: a physician reviewer makes the final medical-necessity decision.");
        }
    }
}
