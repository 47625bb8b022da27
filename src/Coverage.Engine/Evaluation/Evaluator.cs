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
/// <remarks>
/// Fast by construction (docs/benchmarks.md): the catalogue is compiled once (<see cref="CompiledPolicy"/>)
/// into every string, citation and list a determination can share; a line allocates its determination
/// and nothing else — the step-by-step state lives in one reused object per thread.
/// </remarks>
public sealed partial class Evaluator
{
    private readonly PolicyCatalogue _catalogue;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, CompiledPolicy[]> _policiesByCode;
    private readonly string? _ageFact;
    /// <summary>The derived facts criteria may read besides the age (time since a date, counts, sex, place of service).</summary>
    private readonly FactDefinition[] _derived;
    private readonly FrozenDictionary<string, CompiledPolicy> _policiesById;
    /// <summary>By (policy, related resource title): the catalogue policy that decides the resource's lines.</summary>
    private readonly FrozenDictionary<(string Policy, string Resource), CompiledPolicy> _relatedTargets;
    /// <summary>Lines of codes no policy lists: their trace step and rationale, by code.</summary>
    private readonly Memo<string, (string Trace, string Rationale)> _unlistedCodes = new(4_096);

    [ThreadStatic] private static LineEvaluation? t_evaluation;

    /// <param name="time">The clock that stamps each determination's evaluatedAt: the host's (the engine reads no clock of its own).</param>
    public Evaluator(PolicyCatalogue catalogue, TimeProvider time)
    {
        _catalogue = catalogue;
        _time = time;
        var compiled = catalogue.Policies.Select(p => new CompiledPolicy(p, catalogue.Plans)).ToList();
        // The policies that list a code, in order of precedence (the loader refuses two that share a code and a precedence).
        _policiesByCode = compiled
            .SelectMany(p => p.Policy.Codes.Keys.Select(code => (code, policy: p)))
            .GroupBy(x => x.code, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.policy).OrderBy(p => p.Policy.Precedence).ToArray(), StringComparer.Ordinal);
        _policiesById = compiled.ToFrozenDictionary(p => p.Policy.Id, StringComparer.Ordinal);
        // A related resource names its policy, or a policy says it stands in for the resource.
        var named = catalogue.Policies.SelectMany(p => p.RelatedResources.Where(r => r.PolicyId is not null).Select(r => ((p.Id, r.Title), r.PolicyId!)));
        var standIns = catalogue.Policies.SelectMany(p => p.StandsFor.Select(s => ((s.PolicyId, s.Resource), p.Id)));
        _relatedTargets = named.Concat(standIns)
            .Where(x => _policiesById.ContainsKey(x.Item2))
            .DistinctBy(x => x.Item1)
            .ToFrozenDictionary(x => x.Item1, x => _policiesById[x.Item2]);
        _ageFact = catalogue.Facts.All.FirstOrDefault(f => f.DerivedFrom == FactDefinitions.AgeOnDateOfService)?.Name;
        _derived = [.. catalogue.Facts.DerivedFacts];
    }

    public static string EngineVersion { get; } =
        typeof(Evaluator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public PolicyCatalogue Catalogue => _catalogue;

    /// <summary>
    /// The facts criteria read, derived as this evaluator derives them (the age on the date, the time since a date, a
    /// count, the sex), from answers given without a request: DTR's adaptive questions, which evaluate a statement's or a
    /// device's criteria to know what can still change the outcome. The evaluator's own reading of a request is unchanged.
    /// </summary>
    public IFactSource FactsOf(ClinicalFacts clinical, IReadOnlyList<string> diagnoses, DateOnly? birthDate, string? sex, DateOnly dateOfService) =>
        new RequestFacts().Set(clinical, diagnoses, birthDate, sex, dateOfService, _ageFact, _derived);

    public Determination Evaluate(CoverageRequest request)
    {
        var plan = _catalogue.FindPlan(request.Member.PlanId)
            ?? throw new ArgumentException($"Plan '{request.Member.PlanId}' is not in the catalogue; the request reader must reject it.", nameof(request));
        var evaluation = t_evaluation ??= new LineEvaluation();
        List<string>? warnings = null;
        var lines = new LineDetermination[request.ServiceLines.Count];
        var review = false;
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = EvaluateLine(evaluation, request, plan, request.ServiceLines[i], ref warnings);
            review |= lines[i].RequiresPhysicianReview;
        }

        return new Determination
        {
            RequestId = request.RequestId,
            Outcome = Aggregate(lines),
            RequiresPhysicianReview = review,
            EvaluatedAt = _time.GetUtcNow(),
            EngineVersion = EngineVersion,
            CatalogueDigest = _catalogue.Digest,
            Lines = lines,
            Warnings = (IReadOnlyList<string>?)warnings ?? [],
        };
    }

    /// <summary>
    /// Spec section 8: not-addressed if every line is; else pended if any line needs information;
    /// else, over the addressed lines, covered if all are, not-covered if none is, partially-covered otherwise.
    /// </summary>
    public static RequestOutcome Aggregate(IReadOnlyCollection<LineDetermination> lines)
    {
        if (lines is LineDetermination[] array) return Aggregate(array);
        int addressed = 0, covered = 0;
        var pended = false;
        foreach (var line in lines) Count(line.Outcome, ref addressed, ref covered, ref pended);
        return Aggregate(addressed, covered, pended);
    }

    /// <summary>The aggregation over an array, without the enumerator an interface would allocate.</summary>
    private static RequestOutcome Aggregate(LineDetermination[] lines)
    {
        int addressed = 0, covered = 0;
        var pended = false;
        foreach (var line in lines) Count(line.Outcome, ref addressed, ref covered, ref pended);
        return Aggregate(addressed, covered, pended);
    }

    /// <summary>The same aggregation over bare outcomes (a case's final outcome after reviewer decisions).</summary>
    public static RequestOutcome Aggregate(IReadOnlyCollection<LineOutcome> outcomes)
    {
        int addressed = 0, covered = 0;
        var pended = false;
        foreach (var outcome in outcomes) Count(outcome, ref addressed, ref covered, ref pended);
        return Aggregate(addressed, covered, pended);
    }

    private static void Count(LineOutcome outcome, ref int addressed, ref int covered, ref bool pended)
    {
        if (outcome == LineOutcome.NotAddressed) return;
        addressed++;
        if (outcome == LineOutcome.Covered) covered++;
        if (outcome == LineOutcome.InformationRequired) pended = true;
    }

    private static RequestOutcome Aggregate(int addressed, int covered, bool pended) =>
        addressed == 0 ? RequestOutcome.NotAddressed
        : pended ? RequestOutcome.Pended
        : covered == addressed ? RequestOutcome.Covered
        : covered == 0 ? RequestOutcome.NotCovered
        : RequestOutcome.PartiallyCovered;

    private LineDetermination EvaluateLine(LineEvaluation evaluation, CoverageRequest request, BenefitPlan plan, ServiceLine line, ref List<string>? warnings)
    {
        var dateOfService = line.DateOfService ?? request.DateOfService;
        if (!_policiesByCode.TryGetValue(line.Code, out var candidates))
        {
            var (trace, rationale) = _unlistedCodes.Get(line.Code, 0, static (code, _) => (
                $"catalogue: no policy in the catalogue lists code {code}",
                $"No coverage policy in this catalogue addresses code {code}; this determination does not decide it."));
            return evaluation.Draft.Start(line, dateOfService).Trace(trace).NotAddressed(rationale);
        }

        // Only the policy that decides the line speaks in its warnings (a policy past its review date that left the
        // line to another has nothing to say about it); when none decides it, the first one's explanation stands.
        if (candidates.Length == 1)
        {
            List<string>? own = null;
            var only = evaluation.Start(this, candidates[0], request, plan, line, dateOfService).Run(ref own);
            return Decided(only.Outcome == LineOutcome.NotAddressed ? Routed(evaluation, only, request, plan, line, dateOfService, own) : (only, own), ref warnings);
        }

        // A code may be listed by several policies (19499 is every unlisted breast procedure): the first
        // policy that addresses the line decides it; if none does, the first one's explanation stands.
        // The policies are tried as probes, which stop at "not addressed" without writing why: only the
        // first policy's explanation can be kept, and only when no policy addresses the line.
        foreach (var policy in candidates)
        {
            List<string>? own = null;
            var result = evaluation.Start(this, policy, request, plan, line, dateOfService, probe: true).Run(ref own);
            if (result.Outcome != LineOutcome.NotAddressed) return Decided((result, own), ref warnings);
        }
        // The first policy again, in full.
        List<string>? given = null;
        var first = evaluation.Start(this, candidates[0], request, plan, line, dateOfService).Run(ref given);
        return Decided(Routed(evaluation, first, request, plan, line, dateOfService, given), ref warnings);
    }

    /// <summary>The line, with the warnings of the policy that decided it added to the determination's.</summary>
    private static LineDetermination Decided((LineDetermination Line, List<string>? Warnings) decided, ref List<string>? warnings)
    {
        if (decided.Warnings is { Count: > 0 } own) (warnings ??= []).AddRange(own);
        return decided.Line;
    }

    /// <summary>
    /// A line a policy leaves to a related coverage resource goes to the catalogue policy that the resource names,
    /// when the catalogue holds it and that policy lists the code (coverage-semantics.md §10); otherwise it stays
    /// not addressed, naming the resource.
    /// </summary>
    private (LineDetermination Line, List<string>? Warnings) Routed(LineEvaluation evaluation, LineDetermination line, CoverageRequest request, BenefitPlan plan,
        ServiceLine serviceLine, DateOnly dateOfService, List<string>? warnings)
    {
        if (line.RelatedPolicy is null || line.Policy is null
            || !_relatedTargets.TryGetValue((line.Policy.Id, line.RelatedPolicy), out var policy)
            || !policy.Codes.ContainsKey(serviceLine.Code)) return (line, warnings);
        List<string>? own = null;
        return (evaluation.Start(this, policy, request, plan, serviceLine, dateOfService).Run(ref own), own);
    }

    /// <summary>One line under one policy, step by step, each step adding to the trace. Reused line after line.</summary>
    private sealed partial class LineEvaluation
    {
        public readonly LineDraft Draft = new();
        private readonly RequestFacts _facts = new();
        private Evaluator _evaluator = null!;
        private CompiledPolicy _compiled = null!;
        private CoveragePolicy _policy = null!;
        private CoverageRequest _request = null!;
        private BenefitPlan _plan = null!;
        private ServiceLine _line = null!;
        private DateOnly _dateOfService;
        private int _device;
        private long _results;
        /// <summary>A probe stops at "not addressed" with <see cref="NotAddressedProbe"/>, writing neither trace nor rationale.</summary>
        private bool _probe;
        // The criterion results last computed on this thread: the lines of one request share them.
        private (CompiledPolicy? Policy, int Device, ClinicalFacts? Clinical, int? Age, long Results) _lastResults;

        /// <summary>What a probe returns for a line its policy does not address; never part of a determination.</summary>
        public static readonly LineDetermination NotAddressedProbe = new()
        {
            Sequence = 0, Code = "", DateOfService = default, Outcome = LineOutcome.NotAddressed,
            RequiresPhysicianReview = false, Rationale = "", Trace = [],
        };

        public LineEvaluation Start(Evaluator evaluator, CompiledPolicy compiled, CoverageRequest request, BenefitPlan plan, ServiceLine line, DateOnly dateOfService, bool probe = false)
        {
            _probe = probe;
            _evaluator = evaluator;
            _compiled = compiled;
            _policy = compiled.Policy;
            _request = request;
            _plan = plan;
            _line = line;
            _dateOfService = dateOfService;
            _device = -1;
            _results = 0;
            Draft.Start(line, dateOfService);
            return this;
        }

        public LineDetermination Run(ref List<string>? warnings)
        {
            var code = _compiled.Codes[_line.Code];
            var version = _compiled.VersionOn(_dateOfService);
            if (version is not null) Draft.Policy = version.Reference;

            // 1. Code validity, before anything else (policy, Coding Information note 2; spec section 3).
            if (!code.Code.Validity.IsValidOn(_dateOfService)) return InvalidCode(code, version);
            Draft.Trace(code.ValidTrace(_dateOfService));

            // 2. The policy version in effect on the date of service (spec section 2).
            if (version is null)
            {
                if (_probe) return NotAddressedProbe;
                Draft.Trace($"policy-version: {Text.Iso(_dateOfService)} is before the first version of policy {_policy.Id} ({_policy.Versions[0].Version})");
                return Draft.NotAddressed(
                    $"The date of service {Text.Iso(_dateOfService)} is before the earliest version of policy {_policy.Id} \"{_policy.Title}\" that the catalogue holds ({_policy.Versions[0].Version}), so this policy does not decide the line.");
            }
            Draft.Trace(version.InEffectTrace(_dateOfService));
            if (version.Index == _compiled.Versions.Length - 1 && _dateOfService > _policy.NextReviewDate)
            {
                (warnings ??= []).Add(version.Warning(_line.Sequence, _dateOfService));
                Draft.Trace(_compiled.PastReviewTrace);
            }
            if (!Lists(version.Version, code.Code.Code))
            {
                if (_probe) return NotAddressedProbe;
                Draft.Trace($"policy-version: version {version.Version.Version} does not list code {code.Code.Code}");
                return Draft.NotAddressed(
                    $"Policy {_policy.Id} version {version.Version.Version} does not list code {code.Code.Code}, so it does not decide the line.");
            }

            // 3. What the line is (spec section 4).
            var modality = Modality(code, version);
            if (modality is null) return Draft.Result!;

            // A version of ordered statements decides by scope, indication and criteria (coverage-semantics.md §10).
            if (version.Rules.Length > 0) return Rules(code, version, modality);

            // 4. Is the target the policy's condition (spec section 5)?
            if (!DiagnosisFits(code, modality)) return Draft.Result!;

            // 5. The FDA label (spec section 7): informational, but plan provisions may depend on it.
            var label = AssessLabel(modality);
            Draft.FdaLabel = label;

            // 6. Mandate, then plan, then policy (policy, "Instructions for use"; spec section 1).
            var plan = _compiled.Plans[_plan.Id];
            foreach (var provision in plan.Provisions)
            {
                var decided = Apply(provision, version, modality, label);
                if (decided is not null) return decided;
            }
            if (plan.Provisions.Length == 0) Draft.Trace(plan.NoProvisionTrace);

            // 7. The coverage statement of the version (spec section 6).
            return Statement(version, modality, label);
        }

        private static bool Lists(PolicyVersion version, string code)
        {
            for (var i = 0; i < version.Codes.Count; i++) // not foreach: no enumerator per line
                if (string.Equals(version.Codes[i], code, StringComparison.Ordinal)) return true;
            return false;
        }

        private LineDetermination InvalidCode(CompiledCode compiledCode, CompiledVersion? version)
        {
            var (trace, rationale) = compiledCode.Invalid(_dateOfService);
            Draft.Trace(trace);
            if (_compiled.Citations.CodeValidity is { } citation) Draft.Cite(citation);
            Draft.Cite(compiledCode.ValidityCitation);
            return Draft.Decide(Verdict.InvalidCode, version is null ? null : GoverningSource.Policy, rationale);
        }

        private CompiledModality? Modality(CompiledCode compiledCode, CompiledVersion version)
        {
            var code = compiledCode.Code;
            CompiledModality modality;
            if (compiledCode.ListedModality is not null)
            {
                modality = compiledCode.ListedModality;
                Draft.Trace(compiledCode.ListedModalityTrace!);
            }
            else
            {
                var match = _compiled.Classifier.Classify(_line.Description);
                // A description read other than as it is was written is quoted as it was read, and the trace says so.
                var description = _line.Description;
                if (match.Reading is { Changes: not null } reading)
                {
                    Draft.Trace($"modality: the description of unlisted code {code.Code} was normalised to \"{reading.Text}\" ({reading.Changes})");
                    description = reading.Text;
                }
                switch (match.Kind)
                {
                    case DescriptionKind.Modality:
                        modality = _compiled.ModalityById[match.Target!];
                        Draft.Trace(MatchTrace(compiledCode, match));
                        break;
                    case DescriptionKind.Missing:
                        Draft.Trace(compiledCode.NoDescriptionTrace);
                        Draft.Result = Draft.Decide(Verdict.NeedsDescription, GoverningSource.Policy,
                            compiledCode.NoDescriptionRationale, information: compiledCode.NoDescriptionInformation);
                        return null;
                    case DescriptionKind.NotPlainText:
                        // Not quoted: what it holds (an override, invisible or lookalike characters) would travel on into notices.
                        Draft.Trace($"modality: the description of unlisted code {code.Code} is not plain text: it {match.Reading!.Problem}");
                        Draft.Result = Draft.Decide(Verdict.NeedsDescription, GoverningSource.Policy,
                            $"The description of unlisted code {code.Code} is not plain text: it {match.Reading.Problem}. What a reader would take it to say " +
                            "cannot be told, so the procedure is not identified from it. Please send the description in plain text.",
                            information: compiledCode.PlainDescriptionInformation);
                        return null;
                    case DescriptionKind.Ambiguous:
                    case DescriptionKind.UnspecifiedProcedure:
                        var ambiguous = match.Kind == DescriptionKind.Ambiguous;
                        Draft.Trace(MatchTrace(compiledCode, match));
                        Draft.Result = Draft.Decide(
                            Verdict.NeedsDescription, GoverningSource.Policy,
                            $"The description \"{description}\" of unlisted code {code.Code} {(ambiguous ? "names more than one procedure" : $"names {_policy.AServiceKind} without saying which kind")}, so the treatment cannot be identified. Please send a description that names the procedure performed.",
                            information: compiledCode.WhichProcedureInformation);
                        return null;
                    case DescriptionKind.RelatedResource:
                        if (_probe) return Probed();
                        Draft.Trace(MatchTrace(compiledCode, match));
                        Draft.RelatedPolicy = match.Target;
                        if (_compiled.Citations.RelatedResources is { } related) Draft.Cite(related);
                        Draft.Result = Draft.NotAddressed(
                            $"The description \"{description}\" names a procedure that policy {_policy.Id} does not address; the related coverage resource \"{match.Target}\" does.");
                        return null;
                    default:
                        if (_probe) return Probed();
                        Draft.Trace(compiledCode.UnrelatedTrace);
                        Draft.Cite(_compiled.Citations.Overview);
                        Draft.Result = Draft.NotAddressed(
                            $"The description \"{description}\" of unlisted code {code.Code} names no treatment that policy {_policy.Id} addresses ({_compiled.ModalityNamesLower}), so this policy does not decide the line.");
                        return null;
                }
            }
            Draft.Modality = modality.Id;
            if (version.Version.Modalities.Contains(modality.Id)) return modality;

            if (_probe) return Probed();
            var added = _compiled.VersionAdding(modality.Id);
            Draft.Trace(added is null
                ? $"modality: version {version.Version.Version} does not address {modality.Id}"
                : $"modality: version {version.Version.Version} does not address {modality.Id} (added in version {added.Version})");
            Draft.Cite(version.Scope);
            Draft.Result = Draft.NotAddressed(added is null
                ? $"{modality.Name} was not among the treatments policy {_policy.Id} addressed in version {version.Version.Version}, in effect on {Text.Iso(_dateOfService)}."
                : $"{modality.Name} was not among the treatments policy {_policy.Id} addressed in version {version.Version.Version}, in effect on {Text.Iso(_dateOfService)}; it was added by the {added.ReviewType.ToLowerInvariant()} effective {added.Version}.");
            return null;
        }

        /// <summary>A probe's modality step for a line the policy does not address: no modality, and the probe's result.</summary>
        private CompiledModality? Probed()
        {
            Draft.Result = NotAddressedProbe;
            return null;
        }

        /// <summary>The modality step of an unlisted code whose description matched terms, shared by every line that matched the same ones.</summary>
        private string MatchTrace(CompiledCode code, DescriptionMatch match) =>
            _compiled.MatchTraces.Get((code.Index, match.Kind, match.Terms), (Code: code.Code.Code, Classifier: _compiled.Classifier, match.Target, Kind: _policy.AServiceKind), static (key, state) =>
            {
                var terms = string.Join("\", \"", state.Classifier.TermsOf(key.Terms));
                return key.Kind switch
                {
                    DescriptionKind.Modality => $"modality: the description of unlisted code {state.Code} names {state.Target} (matched \"{terms}\")",
                    DescriptionKind.Ambiguous => $"modality: the description of unlisted code {state.Code} names more than one procedure (\"{terms}\")",
                    DescriptionKind.UnspecifiedProcedure => $"modality: the description of unlisted code {state.Code} names {state.Kind} (\"{terms}\") but not which one",
                    _ => $"modality: the description of unlisted code {state.Code} names a procedure of the related resource \"{state.Target}\" (matched \"{terms}\")",
                };
            });

        private bool DiagnosisFits(CompiledCode compiledCode, CompiledModality modality)
        {
            var code = compiledCode.Code;
            var condition = _policy.Condition!; // a version with one coverage statement is about one condition
            var diagnoses = _request.Diagnoses;
            for (var i = 0; i < diagnoses.Count; i++)
            {
                if (!condition.Contains(diagnoses[i])) continue;
                Draft.Trace(_compiled.DiagnosisTraces.Get(diagnoses[i], condition, static (diagnosis, condition) =>
                    $"diagnosis: {CodeFormats.DisplayIcd10(diagnosis)} is a {condition.Name} ({condition.Display})"));
                return true;
            }
            if (code.NamesCondition)
            {
                if (diagnoses.Count == 0)
                {
                    Draft.Trace(compiledCode.ConditionByCodeTrace);
                    return true;
                }
                var given = Given();
                Draft.Trace($"diagnosis: none of {given} is a {condition.Name} ({condition.Display}), which code {code.Code} names");
                if (_compiled.Citations.DiagnosisCoding is { } coding) Draft.Cite(coding);
                Draft.Result = Draft.Decide(
                    Verdict.InvalidCoding, GoverningSource.Policy,
                    $"Code {code.Code} (\"{code.Description}\") describes treatment of a {condition.Name}, but the diagnoses on the request ({given}) are not a {condition.Name}. The procedure and the diagnosis do not agree; please correct the coding.");
                return false;
            }
            if (diagnoses.Count == 0)
            {
                Draft.Trace(compiledCode.NoDiagnosisTrace);
                Draft.Result = Draft.Decide(
                    Verdict.NeedsDiagnosis, GoverningSource.Policy,
                    $"The request gives no diagnosis, so it cannot be told whether the {modality.NameLower} billed with unlisted code {code.Code} treats a {condition.Name}. Please send the diagnosis.",
                    information: compiledCode.NoDiagnosisInformation);
                return false;
            }
            if (_probe)
            {
                Draft.Result = NotAddressedProbe;
                return false;
            }
            var others = Given();
            Draft.Trace($"diagnosis: none of {others} is a {condition.Name} ({condition.Display}); the policy does not address this target");
            Draft.Cite(_compiled.Citations.Overview);
            Draft.Result = Draft.NotAddressed(
                $"Policy {_policy.Id} addresses {_policy.ServiceKind} of a {condition.Name}; the diagnoses on the request ({others}) are not one, so this policy does not decide the line.");
            return false;
        }

        /// <summary>The request's diagnoses as written in explanations: "D24.1, N63.10".</summary>
        private string Given() => Text.DisplayIcd10List(_request.Diagnoses);

        private FdaLabelAssessment AssessLabel(CompiledModality modality)
        {
            _device = _compiled.DeviceFor(modality.Id, _dateOfService);
            if (_device < 0)
            {
                Draft.Trace(modality.NoDeviceTrace(_dateOfService));
                return FdaLabelAssessor.NoAuthorizedDevice;
            }
            var device = _compiled.Devices[_device];
            int? age = _request.Member.BirthDate is { } birth ? RequestFacts.AgeOn(birth, _dateOfService) : null;
            var last = _lastResults;
            if (ReferenceEquals(last.Policy, _compiled) && last.Device == _device && ReferenceEquals(last.Clinical, _request.Clinical) && last.Age == age)
            {
                _results = last.Results;
            }
            else
            {
                _results = FdaLabelAssessor.Results(device, _facts.Set(_request.Clinical, _evaluator._ageFact, age));
                _lastResults = (_compiled, _device, _request.Clinical, age, _results);
            }
            var entry = _compiled.Labels.Get((_device, _results), device, static (key, device) =>
            {
                var label = FdaLabelAssessor.Assess(device, key.Results);
                return new LabelEntry(label, $"fda-label: {device.Name} ({device.Authorization}): {label.Status.ToWire()}" + Explain.CriteriaLists(label));
            });
            Draft.Trace(entry.Trace);
            return entry.Assessment;
        }

        private LineDetermination? Apply(CompiledProvision compiled, CompiledVersion version, CompiledModality modality, FdaLabelAssessment label)
        {
            var provision = compiled.Provision;
            if (!provision.AppliesTo(_policy.Id, modality.Id))
            {
                Draft.Trace(provision.PolicyId == _policy.Id ? compiled.NotConcerningTraces[modality.Index] : compiled.OtherPolicyTrace);
                return null;
            }
            if (provision.RequiresFdaLabel is { } required && label.Status != required)
            {
                if (label.Status == FdaLabelStatus.Indeterminate)
                {
                    // Section 9: the provision might apply, so ask for the records that would tell.
                    Draft.Trace(compiled.IndeterminateTrace!);
                    var device = _compiled.Devices[_device];
                    var information = _compiled.UnknownDocumentation.Get((_device, _results), (device, label, _evaluator._catalogue.Facts), static (_, state) =>
                        Array.AsReadOnly(state.label.Unknown.Select(id => Explain.Documentation(state.device, state.Facts, id)).ToArray()));
                    var rationale = _compiled.IndeterminateRationales.Get((compiled.Index, modality.Index, _device, _results), (compiled, modality, label), static (_, state) =>
                        $"{state.compiled.Source} ({state.compiled.Provision.Section}) covers {state.modality.NameLower} when the patient is within the FDA-labeled indication of {state.label.Device}. The records do not show whether these criteria are met: {Explain.CriterionTexts(state.label, state.label.Unknown)}. Please send the documentation so the line can be decided.");
                    return Draft.Decide(Verdict.NeedsRecords, provision.Source, rationale, compiled.IndeterminateCitations, information);
                }
                Draft.Trace(compiled.NotApplyingTraces![(int)label.Status]);
                return null;
            }

            Draft.Trace(compiled.AppliesTrace);
            if (provision.Effect == ProvisionEffect.Cover)
            {
                var rationale = _compiled.CoverRationales.Get((compiled.Index, modality.Index, version.Index, _device), (compiled, modality, version, label, _policy, ofCondition: _compiled.OfCondition), static (_, state) =>
                {
                    var provision = state.compiled.Provision;
                    var labelSentence = provision.RequiresFdaLabel is null ? ""
                        : $" The patient meets every criterion of the FDA-labeled indication of {state.label.Device} ({state.label.Authorization}).";
                    return $"{state.compiled.Source} covers {state.modality.NameLower}{state.ofCondition} ({provision.Section}: \"{provision.Text}\").{labelSentence} " +
                        $"The plan's terms supersede policy {state._policy.Id}" +
                        (state.version.Version.Statement?.Determination == StatementDetermination.NotMedicallyNecessary ? ", which would otherwise consider it not medically necessary." : ".");
                });
                return Draft.Decide(Verdict.Covered, provision.Source, rationale, compiled.AppliesCitations);
            }
            return Draft.Decide(Verdict.ExcludedByPlan, provision.Source, compiled.ExcludeRationale, compiled.AppliesCitations);
        }

        private LineDetermination Statement(CompiledVersion version, CompiledModality modality, FdaLabelAssessment label)
        {
            Draft.Trace(version.StatementTraces[modality.Index]);
            if (version.Version.Statement!.Determination == StatementDetermination.MedicallyNecessary)
                return Draft.Decide(Verdict.Covered, GoverningSource.Policy, version.CoveredRationales[modality.Index], [version.Scope]);

            var rationale = _compiled.NotMedicallyNecessaryRationales.Get((version.Index, modality.Index, _device, _results), (version, modality, label, _policy), static (_, state) =>
                state.version.RationalePrefixes[state.modality.Index] +
                Explain.LabelSentence(state.label, state._policy.Condition!.Name, state._policy.Texts.FdaNote?.Text) +
                CompiledVersion.RationaleSuffix);
            return Draft.Decide(Verdict.NotMedicallyNecessary, GoverningSource.Policy, rationale,
                version.Citations[modality.Index][label.Device is null ? 0 : 1]);
        }
    }
}
