using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// A coverage statement compiled once: its citations, its trace steps, and (memoised by the results of its
/// criteria, two bits each) the outcome, rationale and criterion list a line gets. Every sentence is a generic
/// template filled from the policy's own data; nothing here knows any one policy.
/// </summary>
internal sealed class CompiledRule
{
    private readonly CompiledPolicy _compiled;
    private readonly PolicyVersion _version;

    public CompiledRule(int index, CompiledPolicy compiled, PolicyVersion version, CoverageRule rule)
    {
        _compiled = compiled;
        _version = version;
        var policy = compiled.Policy;
        Index = index;
        Rule = rule;
        Criteria = rule.Criteria is null ? [] : [.. rule.Criteria.Criteria];
        Statement = Citation.OfSection(rule.Section, rule.Text);
        var cited = rule.Cites.Select(key => policy.Texts.All[key].ToCitation()).ToList();
        StatementCitations = Array.AsReadOnly<Citation>([Statement, .. cited]);
        if (rule.Otherwise is { } otherwise)
            OtherwiseCitations = otherwise.Section == rule.Section && otherwise.Text == rule.Text
                ? StatementCitations
                : Array.AsReadOnly<Citation>([Statement, Citation.OfSection(otherwise.Section, otherwise.Text), .. cited]);
        Name = $"statement {rule.Id} of {policy.Id} version {version.Version}";
        ScopeTrace = $"coverage-statement: {Name} ({rule.Section}) applies";
        var about = rule.Indications is null ? "any indication" : string.Join(" or ", rule.Indications.Select(i => $"{i.Diagnoses.Name} ({i.Diagnoses.Display})"));
        NotAboutDiagnosesTrace = $"coverage-statement: {Name} is about {about}; the diagnoses are not";
        NoDiagnosisTrace = $"coverage-statement: {Name} is about {about}; no diagnosis given";
        NoDiagnosisInformation = [$"The diagnosis (ICD-10-CM): {policy.Id} \"{rule.Section}\" is about {about}"];
        NoDiagnosisRationale = $"Policy {policy.Id} \"{policy.Title}\" (version {version.Version}) decides this service differently by indication, " +
            $"and the request gives no diagnosis; {rule.Section} is about {about}. Please send the diagnosis.";
    }

    public const string BirthDateFact = FactsAsked.BirthDateFact;
    public const string SexFact = FactsAsked.SexFact;
    public const string PlaceOfServiceFact = FactsAsked.PlaceOfServiceFact;

    public int Index { get; }
    public CoverageRule Rule { get; }
    /// <summary>The named criteria, by their index in the results.</summary>
    public Criterion[] Criteria { get; }
    public Citation Statement { get; }
    public IReadOnlyList<Citation> StatementCitations { get; }
    public IReadOnlyList<Citation>? OtherwiseCitations { get; }
    public string Name { get; }
    public string ScopeTrace { get; }
    public string NotAboutDiagnosesTrace { get; }
    public string NoDiagnosisTrace { get; }
    public IReadOnlyList<string> NoDiagnosisInformation { get; }
    public string NoDiagnosisRationale { get; }

    /// <summary>"diagnosis: C79.51 is metastatic bone disease (…)" by diagnosis: one string per diagnosis, not per line.</summary>
    public Memo<string, string> DiagnosisTraces { get; } = new(8_192);

    /// <summary>What a line gets under this statement for a modality and a set of criterion results.</summary>
    public Memo<(int Modality, long Results), RuleOutcome> Outcomes { get; } = new(4_096);

    public bool AppliesTo(string modality, string code)
    {
        if (Rule.Services is { } services && !services.Contains(modality)) return false;
        return Rule.Codes is not { } codes || codes.Contains(code);
    }

    /// <summary>Whether any diagnosis is in one of the statement's indications (true when it names none).</summary>
    public string DiagnosisTrace(string diagnosis, Indication indication) =>
        DiagnosisTraces.Get(diagnosis, indication, static (code, indication) =>
            $"diagnosis: {CodeFormats.DisplayIcd10(code)} is {indication.Diagnoses.Name} ({indication.Diagnoses.Display})");

    public bool AboutDiagnoses(IReadOnlyList<string> diagnoses, out Indication? matched, out string? diagnosis)
    {
        matched = null;
        diagnosis = null;
        if (Rule.Indications is not { } indications) return true;
        for (var d = 0; d < diagnoses.Count; d++)
            for (var i = 0; i < indications.Count; i++)
                if (indications[i].Diagnoses.Contains(diagnoses[d]))
                {
                    matched = indications[i];
                    diagnosis = diagnoses[d];
                    return true;
                }
        return false;
    }

    /// <summary>The criteria's results, packed two bits each (<see cref="CriterionResult"/>), and the statement's truth.</summary>
    public (Truth Truth, long Results) Evaluate(IFactSource facts)
    {
        if (Rule.Criteria is null) return (Truth.True, 0);
        Span<CriterionResult> results = stackalloc CriterionResult[Criteria.Length];
        var truth = Rule.Criteria.Evaluate(facts, results);
        long packed = 0;
        for (var i = 0; i < results.Length; i++) packed |= (long)results[i] << (2 * i);
        return (truth, packed);
    }

    public RuleOutcome Outcome(CompiledModality modality, Truth truth, long results, FactDefinitions facts) =>
        Outcomes.Get((modality.Index, results), (Rule: this, modality, truth, facts), static (key, state) => state.Rule.Build(state.modality, state.truth, key.Results, state.facts));

    private RuleOutcome Build(CompiledModality modality, Truth truth, long results, FactDefinitions facts)
    {
        var policy = _compiled.Policy;
        var findings = Findings(results);
        var service = Words.Lower(modality.Name);
        var head = $"Policy {policy.Id} \"{policy.Title}\" (version {_version.Version})";
        if (Rule.Criteria is null)
        {
            var phrase = Words.Determination(Rule.Determination);
            return new RuleOutcome(Rule.Determination,
                $"coverage-statement: {Name} considers {modality.Id} {phrase}",
                $"{head} considers {service} {phrase} ({Rule.Section}: \"{Rule.Text}\").{Words.ReviewSentence(Rule.Determination)}",
                StatementCitations, findings, [], []);
        }
        var met = TextsOf(findings, CriterionResult.Met);
        var unmet = TextsOf(findings, CriterionResult.Unmet);
        var unknown = TextsOf(findings, CriterionResult.Unknown);
        var criteriaTrace = $"criteria: {Name}: {truth switch { Truth.True => "met", Truth.False => "not met", _ => "unknown" }}" + Lists(findings);
        if (truth == Truth.True)
        {
            var phrase = Words.Determination(Rule.Determination);
            return new RuleOutcome(Rule.Determination, criteriaTrace,
                $"{head} considers {service} {phrase} when its criteria are met ({Rule.Section}: \"{Rule.Text}\"). The request shows that they are: {met}.{Words.ReviewSentence(Rule.Determination)}",
                StatementCitations, findings, [], []);
        }
        if (truth == Truth.False)
        {
            if (Rule.Otherwise is not { } otherwise) return new RuleOutcome(null, criteriaTrace + "; the next statement decides", "", [], findings, [], []);
            var phrase = Words.Determination(otherwise.Determination);
            var passage = OtherwiseCitations == StatementCitations ? "" : $" ({otherwise.Section}: \"{otherwise.Text}\")";
            return new RuleOutcome(otherwise.Determination, criteriaTrace,
                $"{head} considers {service} {Words.Determination(Rule.Determination)} when its criteria are met ({Rule.Section}: \"{Rule.Text}\"), " +
                $"and otherwise {phrase}{passage}. The request shows that these are not met: {unmet}.{Words.ReviewSentence(otherwise.Determination)}",
                OtherwiseCitations!, findings, [], []);
        }
        // Unknown: ask for exactly the facts of the criteria that are still open.
        var needed = FactsNeeded(findings, facts);
        var information = needed.Select(f => $"{f.Documentation} ({f.Fact}), for: {string.Join("; ", f.Criteria.Select(id => Criteria.First(c => c.Id == id).Text))}").ToArray();
        return new RuleOutcome(null, criteriaTrace,
            $"{head} considers {service} {Words.Determination(Rule.Determination)} when its criteria are met ({Rule.Section}: \"{Rule.Text}\"). " +
            $"The request does not show whether these are met: {unknown}. Please send the documentation so the line can be decided.",
            StatementCitations, findings, Array.AsReadOnly(needed), Array.AsReadOnly(information));
    }

    private CriterionFinding[] Findings(long results)
    {
        var findings = new CriterionFinding[Criteria.Length];
        for (var i = 0; i < Criteria.Length; i++)
        {
            var criterion = Criteria[i];
            findings[i] = new CriterionFinding(criterion.Id, criterion.Text, criterion.Section ?? Rule.Section,
                (CriterionResult)((results >> (2 * i)) & 3), [.. criterion.Condition.Facts.Distinct(StringComparer.Ordinal)]);
        }
        return findings;
    }

    /// <summary>
    /// The facts whose values could still change the outcome: those of the criteria that are unknown. Under an
    /// unknown group no child is decided the group's way, so every unknown child matters; the facts a criterion
    /// already has are not asked for again.
    /// </summary>
    private static FactNeeded[] FactsNeeded(CriterionFinding[] findings, FactDefinitions facts)
    {
        var byFact = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var finding in findings.Where(f => f.Result == CriterionResult.Unknown))
            foreach (var fact in finding.Facts)
            {
                if (!byFact.TryGetValue(fact, out var criteria))
                {
                    byFact[fact] = criteria = [];
                    order.Add(fact);
                }
                criteria.Add(finding.Id);
            }
        return [.. order.Select(fact => Need(fact, byFact[fact], facts))];
    }

    private static FactNeeded Need(string fact, List<string> criteria, FactDefinitions facts) => FactsAsked.For(fact, criteria, facts);

    private static string TextsOf(CriterionFinding[] findings, CriterionResult result) =>
        string.Join("; ", findings.Where(f => f.Result == result).Select(f => f.Text));

    private static string Lists(CriterionFinding[] findings)
    {
        var text = new StringBuilder();
        foreach (var (result, label) in new[] { (CriterionResult.Unmet, "not met"), (CriterionResult.Unknown, "unknown") })
        {
            var ids = findings.Where(f => f.Result == result).Select(f => f.Id).ToList();
            if (ids.Count > 0) text.Append("; ").Append(label).Append(": ").AppendJoin(", ", ids);
        }
        return text.ToString();
    }
}

/// <summary>
/// What a statement decides for one set of criterion results: a determination; or none, with the facts to
/// send (the criteria are unknown) or without (they are not met and the next statement decides).
/// </summary>
internal sealed record RuleOutcome(
    StatementDetermination? Determination,
    string Trace,
    string Rationale,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<CriterionFinding> Criteria,
    IReadOnlyList<FactNeeded> FactsNeeded,
    IReadOnlyList<string> Information);
