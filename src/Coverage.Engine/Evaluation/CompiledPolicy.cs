using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// A policy compiled once for evaluation: its description classifier, and every piece of a determination
/// that depends only on the catalogue — per code, per version, per modality, per plan provision — built
/// once, so that a line shares these strings, citations and lists instead of rebuilding them. What depends
/// on a line's facts through a small key (the FDA label assessment and the sentences that quote it) is
/// remembered in bounded memos.
/// </summary>
internal sealed class CompiledPolicy
{
    public CompiledPolicy(CoveragePolicy policy, IReadOnlyList<BenefitPlan> plans)
    {
        Policy = policy;
        Classifier = new DescriptionClassifier(policy);
        Evidence = policy.Modalities.Keys.ToDictionary(m => m,
            m => policy.Evidence.TryGetValue(m, out var evidence) ? new ModalityEvidence(policy, evidence) : ModalityEvidence.None, StringComparer.Ordinal);
        var names = policy.Modalities.Values.Select(m => m.Name.ToLowerInvariant()).ToList();
        ModalityChoices = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
        ModalityNamesLower = string.Join(", ", names);

        // "of a malignant breast tumor" where the policy is about one condition; nothing where it names several indications.
        OfCondition = policy.Condition is { } single ? " of a " + single.Name : "";
        Citations = new PolicyCitations(policy.Texts);
        PastReviewTrace = $"policy-version: past its next review date {policy.NextReviewDate:yyyy-MM-dd}; still the latest version";

        Modalities = [.. policy.Modalities.Values.Select((m, i) => new CompiledModality(i, m, Evidence[m.Id], OfCondition))];
        ModalityById = Modalities.ToFrozenDictionary(m => m.Id, StringComparer.Ordinal);
        Versions = [.. policy.Versions.Select((v, i) => new CompiledVersion(i, this, v))];
        Codes = policy.Codes.Values.Select((c, i) => new CompiledCode(i, this, c)).ToFrozenDictionary(c => c.Code.Code, StringComparer.Ordinal);
        Devices = [.. policy.FdaDevices];

        var provisions = new Dictionary<string, CompiledPlan>(StringComparer.Ordinal);
        var index = 0;
        foreach (var plan in plans)
            provisions[plan.Id] = new CompiledPlan(plan, [.. plan.Provisions.Select(p => new CompiledProvision(index++, this, plan, p))],
                $"plan: {plan.Id} has no provision for policy {policy.Id}; the policy governs");
        Plans = provisions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The policy's modalities as a choice in plain words: "cryoablation, … or radiofrequency ablation".</summary>
    public string ModalityChoices { get; }
    /// <summary>"cryoablation, percutaneous laser ablation, microwave ablation, radiofrequency ablation".</summary>
    public string ModalityNamesLower { get; }

    public CoveragePolicy Policy { get; }
    public DescriptionClassifier Classifier { get; }
    public IReadOnlyDictionary<string, ModalityEvidence> Evidence { get; }
    /// <summary>" of a malignant breast tumor" for a single-condition policy, else empty.</summary>
    public string OfCondition { get; }

    public PolicyCitations Citations { get; }
    public string PastReviewTrace { get; }
    public CompiledModality[] Modalities { get; }
    public FrozenDictionary<string, CompiledModality> ModalityById { get; }
    public CompiledVersion[] Versions { get; }
    public FrozenDictionary<string, CompiledCode> Codes { get; }
    public FdaDevice[] Devices { get; }
    public FrozenDictionary<string, CompiledPlan> Plans { get; }

    /// <summary>FDA label assessments by device and criterion results: shared by every line with the same results.</summary>
    public Memo<(int Device, long Results), LabelEntry> Labels { get; } = new(4_096);
    /// <summary>Medical-necessity rationales by version, modality and label (they quote the label's findings).</summary>
    public Memo<(int Version, int Modality, int Device, long Results), string> NotMedicallyNecessaryRationales { get; } = new(16_384);
    /// <summary>Rationales of a provision that waits for the label's unknown criteria, by provision, modality and label.</summary>
    public Memo<(int Provision, int Modality, int Device, long Results), string> IndeterminateRationales { get; } = new(4_096);
    /// <summary>Rationales of a provision that covers, by provision, modality, version and label device.</summary>
    public Memo<(int Provision, int Modality, int Version, int Device), string> CoverRationales { get; } = new(1_024);
    /// <summary>What to send for each unknown criterion of a label, by device and criterion results.</summary>
    public Memo<(int Device, long Results), IReadOnlyList<string>> UnknownDocumentation { get; } = new(4_096);
    /// <summary>Modality traces of unlisted codes by the terms their description matched.</summary>
    public Memo<(int Code, DescriptionKind Kind, ulong Terms), string> MatchTraces { get; } = new(4_096);
    /// <summary>"diagnosis: C50.411 is a malignant breast tumor (…)" by diagnosis.</summary>
    public Memo<string, string> DiagnosisTraces { get; } = new(8_192);

    /// <summary>The latest version whose effective date is on or before the date (spec section 2); null before the first.</summary>
    public CompiledVersion? VersionOn(DateOnly date)
    {
        CompiledVersion? applicable = null;
        foreach (var version in Versions)
        {
            if (version.Version.Effective > date) break;
            applicable = version;
        }
        return applicable;
    }

    public PolicyReference ReferenceTo(PolicyVersion version) => new(Policy.Id, version.Version, Policy.Title);

    public string ModalityName(string modality) => Policy.Modalities[modality].Name;

    /// <summary>The first version that brought the modality into scope, if any did.</summary>
    public PolicyVersion? VersionAdding(string modality)
    {
        for (var i = 0; i < Policy.Versions.Count; i++)
            if (Policy.Versions[i].Modalities.Contains(modality)) return Policy.Versions[i];
        return null;
    }

    /// <summary>The index of the device authorised for the modality on the date of service; -1 when none is.</summary>
    public int DeviceFor(string modality, DateOnly dateOfService)
    {
        for (var i = 0; i < Devices.Length; i++)
            if (Devices[i].Modalities.Contains(modality) && Devices[i].DecisionDate <= dateOfService)
                return i;
        return -1;
    }
}

/// <summary>The policy passages every kind of line cites, as one shared citation each; null where the policy has no such passage.</summary>
internal sealed class PolicyCitations(PolicyTexts texts)
{
    public Citation Overview { get; } = texts.Overview.ToCitation();
    public Citation? InstructionsForUse { get; } = texts.InstructionsForUse?.ToCitation();
    public Citation? CodeValidity { get; } = texts.CodeValidity?.ToCitation();
    public Citation? DiagnosisCoding { get; } = texts.DiagnosisCoding?.ToCitation();
    public Citation? RelatedResources { get; } = texts.RelatedResources?.ToCitation();
    public Citation? FdaNote { get; } = texts.FdaNote?.ToCitation();
}

internal sealed class CompiledModality
{
    public CompiledModality(int index, Modality modality, ModalityEvidence evidence, string ofCondition)
    {
        Index = index;
        Id = modality.Id;
        Name = modality.Name;
        NameLower = modality.Name.ToLowerInvariant();
        Evidence = evidence;
        NoDeviceTracePrefix = $"fda-label: no FDA-authorized device for {Id}{ofCondition} on ";
    }

    public int Index { get; }
    public string Id { get; }
    public string Name { get; }
    public string NameLower { get; }
    public ModalityEvidence Evidence { get; }
    public string NoDeviceTracePrefix { get; }

    /// <summary>"fda-label: no FDA-authorized device for … on DATE" by date: one string per date, not per line.</summary>
    public string NoDeviceTrace(DateOnly date) =>
        _noDeviceTraces.Get(date, NoDeviceTracePrefix, static (date, prefix) => Text.WithDate(prefix, date, ""));

    private readonly Memo<DateOnly, string> _noDeviceTraces = new(4_096);
}

/// <summary>A version of the policy with what every line decided under it repeats.</summary>
internal sealed class CompiledVersion
{
    public CompiledVersion(int index, CompiledPolicy compiled, PolicyVersion version)
    {
        var policy = compiled.Policy;
        Index = index;
        Version = version;
        Reference = compiled.ReferenceTo(version);
        InEffectTracePrefix = $"policy-version: {policy.Id} version {version.Version} ({version.ReviewType}) is in effect on ";
        Rules = [.. version.Rules.Select((r, i) => new CompiledRule(i, compiled, version, r))];
        var modalities = compiled.Modalities;
        StatementTraces = new string[modalities.Length];
        Citations = new IReadOnlyList<Citation>[modalities.Length][];
        RationalePrefixes = new string[modalities.Length];
        CoveredRationales = new string[modalities.Length];
        WarningPrefix = $"Policy {policy.Id} version {version.Version} was due for review on {policy.NextReviewDate:yyyy-MM-dd}; line ";
        // A version of statements has no one statement to cite: each compiled rule holds its own, and a line
        // the version does not address cites the policy's overview.
        if (version.Statement is not { } statement)
        {
            Scope = compiled.Citations.Overview;
            return;
        }
        Statement = Citation.OfSection(statement.Section, statement.Text);
        Scope = Statement;

        foreach (var modality in modalities)
        {
            var i = modality.Index;
            if (statement.Determination == StatementDetermination.MedicallyNecessary)
            {
                StatementTraces[i] = $"coverage-statement: version {version.Version} considers {modality.Id} medically necessary";
                CoveredRationales[i] = $"Policy {policy.Id} \"{policy.Title}\" (version {version.Version}) considers {modality.NameLower} medically necessary: \"{statement.Text}\"";
            }
            else
            {
                StatementTraces[i] = $"coverage-statement: version {version.Version} considers {modality.Id} not medically necessary; a physician reviewer must decide";
            }
            // Spec section 6: the statement, the evidence for the modality, and the FDA note when a device was assessed.
            Citations[i] =
            [
                Array.AsReadOnly<Citation>([Scope, .. modality.Evidence.Citations]),
                Array.AsReadOnly<Citation>([Scope, .. modality.Evidence.Citations, .. Optional(compiled.Citations.FdaNote)]),
            ];
            RationalePrefixes[i] = $"Policy {policy.Id} \"{policy.Title}\" (version {version.Version}) considers {modality.NameLower}{compiled.OfCondition} " +
                $"not medically necessary: \"{statement.Text}\" {modality.Evidence.Summary}";
        }
    }

    public const string RationaleSuffix = "This is a recommendation: a physician reviewer makes the final medical-necessity decision.";

    private static IEnumerable<Citation> Optional(Citation? citation) => citation is null ? [] : [citation];

    public int Index { get; }
    public PolicyVersion Version { get; }
    /// <summary>The version's statements, in order (empty for a version with one coverage statement).</summary>
    public CompiledRule[] Rules { get; }
    public PolicyReference Reference { get; }
    public string InEffectTracePrefix { get; }

    /// <summary>"policy-version: … is in effect on DATE" by date: one string per date, not per line.</summary>
    public string InEffectTrace(DateOnly date) =>
        _inEffectTraces.Get(date, InEffectTracePrefix, static (date, prefix) => Text.WithDate(prefix, date, ""));

    /// <summary>The past-review warning by line sequence and date (a warning names both).</summary>
    public string Warning(int sequence, DateOnly date) =>
        _warnings.Get((sequence, date), WarningPrefix, static (key, prefix) =>
            $"{prefix}{key.Sequence} (date of service {Text.Iso(key.Date)}) was evaluated against it as the latest version.");

    private readonly Memo<DateOnly, string> _inEffectTraces = new(4_096);
    private readonly Memo<(int Sequence, DateOnly Date), string> _warnings = new(4_096);

    /// <summary>The single coverage statement; null for a version of statements.</summary>
    public Citation? Statement { get; }
    /// <summary>What a line outside the version's scope cites: its statement, or the policy's overview.</summary>
    public Citation Scope { get; }
    public string WarningPrefix { get; }
    /// <summary>By modality index: the coverage-statement step of the trace.</summary>
    public string[] StatementTraces { get; }
    /// <summary>By modality index: the citations of a medical-necessity line, without [0] and with [1] the FDA note.</summary>
    public IReadOnlyList<Citation>[][] Citations { get; }
    /// <summary>By modality index: a not-medically-necessary rationale up to the FDA label sentence.</summary>
    public string[] RationalePrefixes { get; }
    /// <summary>By modality index: the rationale when the version considers the modality medically necessary.</summary>
    public string[] CoveredRationales { get; }
}

/// <summary>A code the policy lists, with the steps of the trace that depend on the code alone.</summary>
internal sealed class CompiledCode
{
    public CompiledCode(int index, CompiledPolicy compiled, ProcedureCode code)
    {
        var policy = compiled.Policy;
        var condition = policy.Condition;
        Index = index;
        Code = code;
        var about = condition is null ? string.Join(" or ", policy.Indications.Select(i => $"{i.Diagnoses.Name} ({i.Diagnoses.Display})")) : $"a {condition.Name} ({condition.Display})";
        Window = Explain.Validity(code.Validity);
        _says = policy.Texts.CodeValidity is { } passage ? $" Policy {policy.Id} says: \"{passage.Text}\"" : "";
        ValidTracePrefix = $"code-validity: {code.System} {code.Code} is valid on ";
        ValidTraceSuffix = $" ({Window})";
        ValidityCitation = Citation.OfSection($"Code validity: {code.System} {code.Code}", code.Validity.Source);
        ListedModality = code.Modality is null ? null : compiled.ModalityById[code.Modality];
        ListedModalityTrace = code.Modality is null ? null : $"modality: {code.Code} is {code.Modality} by its descriptor (\"{code.Description}\")";
        NoDescriptionTrace = $"modality: unlisted code {code.Code} has no description; the procedure cannot be identified";
        NoDescriptionInformation = [$"A description of the procedure billed with unlisted code {code.Code}: which procedure ({compiled.ModalityChoices}) and its target"];
        NoDescriptionRationale = $"Code {code.Code} is an unlisted procedure code (\"{code.Description}\"), and the line has no description of the procedure, " +
            "so it cannot be told which treatment was requested. Please send a description of the procedure.";
        WhichProcedureInformation = [$"Which procedure was performed under unlisted code {code.Code} ({compiled.ModalityChoices})"];
        PlainDescriptionInformation = [$"A plain-text description of the procedure billed with unlisted code {code.Code}, in Latin letters without " +
            $"lookalike letters of other scripts, symbols or control characters: which procedure ({compiled.ModalityChoices}) and its target"];
        UnrelatedTrace = $"modality: the description of unlisted code {code.Code} names no {policy.ServiceKind} this policy addresses";
        ConditionByCodeTrace = condition is null ? "" : $"diagnosis: none given; code {code.Code} itself names a {condition.Name}";
        NoDiagnosisTrace = $"diagnosis: none given; unlisted code {code.Code} needs a diagnosis to fall under policy {policy.Id}";
        NoDiagnosisInformation = [$"The diagnosis (ICD-10-CM) for the treated lesion: policy {policy.Id} addresses {about}"];
    }

    public int Index { get; }
    public ProcedureCode Code { get; }
    /// <summary>The code's validity window in words, with its source.</summary>
    public string Window { get; }
    public string ValidTracePrefix { get; }
    public string ValidTraceSuffix { get; }

    /// <summary>"code-validity: … is valid on DATE (window)" by date: one string per date, not per line (it is the longest dated step).</summary>
    public string ValidTrace(DateOnly date) =>
        _validTraces.Get(date, this, static (date, code) => Text.WithDate(code.ValidTracePrefix, date, code.ValidTraceSuffix));

    private readonly Memo<DateOnly, string> _validTraces = new(4_096);

    /// <summary>The trace step and rationale of a line whose code is not valid on the date, by date.</summary>
    public (string Trace, string Rationale) Invalid(DateOnly date) =>
        _invalid.Get(date, this, static (date, compiled) =>
        {
            var code = compiled.Code;
            return ($"code-validity: {code.System} {code.Code} is not valid on {Text.Iso(date)} ({compiled.Window})",
                $"{code.System} code {code.Code} (\"{code.Description}\") was not a valid code on the date of service {Text.Iso(date)}: {Text.Sentence(compiled.Window)}{compiled._says} " +
                "The line can be resubmitted with the code that was in effect when the service was rendered.");
        });

    private readonly Memo<DateOnly, (string, string)> _invalid = new(4_096);
    /// <summary>" Policy X says: \"…\"" quoting the policy's code-validity passage, or nothing.</summary>
    private readonly string _says;
    public Citation ValidityCitation { get; }
    public CompiledModality? ListedModality { get; }
    public string? ListedModalityTrace { get; }
    public string NoDescriptionTrace { get; }
    public IReadOnlyList<string> NoDescriptionInformation { get; }
    public string NoDescriptionRationale { get; }
    public IReadOnlyList<string> WhichProcedureInformation { get; }
    public IReadOnlyList<string> PlainDescriptionInformation { get; }
    public string UnrelatedTrace { get; }
    public string ConditionByCodeTrace { get; }
    public string NoDiagnosisTrace { get; }
    public IReadOnlyList<string> NoDiagnosisInformation { get; }
}

/// <summary>A benefit plan's provisions as this policy reads them.</summary>
internal sealed record CompiledPlan(BenefitPlan Plan, CompiledProvision[] Provisions, string NoProvisionTrace);

/// <summary>A plan provision with the trace steps and citations of each way it can go (spec sections 1 and 9).</summary>
internal sealed class CompiledProvision
{
    public CompiledProvision(int index, CompiledPolicy compiled, BenefitPlan plan, PlanProvision provision)
    {
        var policy = compiled.Policy;
        Index = index;
        Provision = provision;
        Who = $"{provision.Kind} '{provision.Id}' of plan {plan.Id}";
        Source = provision.Source == GoverningSource.Mandate ? "A coverage mandate that applies to the member's plan" : "The member's benefit plan";
        Citation = Citation.OfSection(provision.Section, provision.Text);
        OtherPolicyTrace = $"plan: {Who} concerns policy {provision.PolicyId}, not {policy.Id}";
        NotConcerningTraces = [.. compiled.Modalities.Select(m => $"plan: {Who} does not concern {m.Id}")];
        if (provision.RequiresFdaLabel is { } required)
        {
            IndeterminateTrace = $"plan: {Who} applies only when the FDA label is {required.ToWire()}; the label is indeterminate";
            NotApplyingTraces = [.. Enum.GetValues<FdaLabelStatus>().Select(s => $"plan: {Who} does not apply: it requires the FDA label to be {required.ToWire()} and it is {s.ToWire()}")];
        }
        AppliesTrace = $"plan: {Who} applies ({provision.Source.ToWire()} governs)";
        AppliesCitations = compiled.Citations.InstructionsForUse is { } instructions ? Array.AsReadOnly<Citation>([Citation, instructions]) : Array.AsReadOnly<Citation>([Citation]);
        IndeterminateCitations = Array.AsReadOnly<Citation>([Citation]);
        ExcludeRationale = $"{Source} excludes this service ({provision.Section}: \"{provision.Text}\"). " +
            $"It is not a covered benefit, whatever its medical necessity; the plan's terms supersede policy {policy.Id}.";
    }

    /// <summary>Unique among the provisions of every plan, as this policy compiled them.</summary>
    public int Index { get; }
    public PlanProvision Provision { get; }
    public string Who { get; }
    public string Source { get; }
    public Citation Citation { get; }
    public string OtherPolicyTrace { get; }
    /// <summary>By modality index.</summary>
    public string[] NotConcerningTraces { get; }
    public string? IndeterminateTrace { get; }
    /// <summary>By the label's status.</summary>
    public string[]? NotApplyingTraces { get; }
    public string AppliesTrace { get; }
    public IReadOnlyList<Citation> AppliesCitations { get; }
    public IReadOnlyList<Citation> IndeterminateCitations { get; }
    public string ExcludeRationale { get; }
}

/// <summary>An FDA label assessment shared by every line with the same device and criterion results, with its trace step.</summary>
internal sealed record LabelEntry(FdaLabelAssessment Assessment, string Trace);

/// <summary>What a rationale says of a modality's evidence, and the citations that back it.</summary>
internal sealed class ModalityEvidence
{
    /// <summary>A modality of a policy that publishes no evidence summary: nothing to add to a rationale.</summary>
    public static readonly ModalityEvidence None = new();

    private ModalityEvidence()
    {
        Summary = "";
        Citations = [];
    }

    public ModalityEvidence(CoveragePolicy policy, EvidenceSummary evidence)
    {
        var summary = new StringBuilder();
        summary.Append("The policy's review of the evidence found: \"").Append(evidence.Conclusion).Append('"');
        if (evidence.Studies.Count > 0)
        {
            summary.Append(" Studies it describes: ");
            summary.AppendJoin("; ", evidence.Studies.Select(Describe));
            summary.Append('.');
        }
        if (evidence.CommonLimitations is not null)
            summary.Append(' ').Append(evidence.CommonLimitations);
        Summary = summary.Append(' ').ToString();

        var citations = new List<Citation> { Citation.OfSection(evidence.Section, evidence.Conclusion) };
        var numbers = new List<int>();
        void AddAll(IEnumerable<int> refs)
        {
            foreach (var n in refs)
                if (!numbers.Contains(n)) numbers.Add(n);
        }
        AddAll(evidence.ConclusionReferences);
        AddAll(evidence.Studies.SelectMany(s => s.References));
        AddAll(evidence.CommonLimitationsReferences);
        foreach (var n in numbers)
        {
            var reference = policy.References[n];
            citations.Add(Citation.OfReference(n, reference.Citation));
        }
        Citations = citations;
    }

    /// <summary>Plain-language summary of the evidence with the policy's reference numbers, ending with a space; empty when there is none.</summary>
    public string Summary { get; }
    public IReadOnlyList<Citation> Citations { get; }

    private static string Describe(Study study)
    {
        // The design up to its first qualification: "systematic review and meta-analysis (9 prospective…)" → "systematic review and meta-analysis".
        var design = study.Design.Split([" (", "; "], 2, StringSplitOptions.None)[0];
        // Lower-case the first letter of a design that reads as a phrase ("Systematic review"), not of an acronym ("MR-guided").
        var lower = design.Length > 1 && char.IsLower(design[1]) ? char.ToLowerInvariant(design[0]) + design[1..] : design;
        var text = new StringBuilder(study.Citation).Append(", ").Append(lower);
        if (study.SampleSize is { } n) text.Append(", ").Append(n.ToString("N0", CultureInfo.InvariantCulture)).Append(" participants");
        if (study.References.Count > 0) text.Append(" [ref. ").AppendJoin(", ", study.References).Append(']');
        return text.ToString();
    }
}
