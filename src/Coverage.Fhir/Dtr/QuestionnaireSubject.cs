using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// What one DTR questionnaire asks about, read from the catalogue: the criteria of one coverage statement of a policy
/// version, or the labeled indication of an FDA-authorised device (its criteria) that a plan's provision requires.
/// Its questions are the facts those criteria read, in the order the policy lists the criteria; nothing is written
/// per policy.
/// </summary>
public sealed record QuestionnaireSubject
{
    /// <summary>The questionnaire's logical id (FHIR id syntax), stable while the policy keeps the statement or device.</summary>
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string PolicyId { get; init; }
    /// <summary>The policy passage the criteria come from (the statement's section, or the device's indication).</summary>
    public required string Source { get; init; }
    /// <summary>The criteria, evaluated in the same three-valued logic as the evaluator's (a device's criteria all hold for on-label).</summary>
    public required CriteriaNode Criteria { get; init; }

    /// <summary>The questions, one per fact the criteria read, in criteria order, each with the criteria it serves.</summary>
    public IReadOnlyList<FactNeeded> Questions(FactDefinitions facts)
    {
        // Two facts asked the same way (an age and a time since the birth date) are one question.
        var served = new Dictionary<string, (string Fact, List<string> Criteria)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var criterion in Criteria.Criteria)
            foreach (var fact in criterion.Condition.Facts.Distinct(StringComparer.Ordinal))
            {
                var asked = FactsAsked.For(fact, [], facts).Fact;
                if (!served.TryGetValue(asked, out var entry))
                {
                    served[asked] = entry = (fact, []);
                    order.Add(asked);
                }
                if (!entry.Criteria.Contains(criterion.Id)) entry.Criteria.Add(criterion.Id);
            }
        return [.. order.Select(asked => FactsAsked.For(served[asked].Fact, served[asked].Criteria, facts))];
    }

    /// <summary>Every questionnaire the catalogue defines: each statement with criteria of each policy version, and each FDA device.</summary>
    public static IReadOnlyList<QuestionnaireSubject> All(PolicyCatalogue catalogue)
    {
        var subjects = new List<QuestionnaireSubject>();
        foreach (var policy in catalogue.Policies)
        {
            foreach (var version in policy.Versions)
                foreach (var rule in version.Rules)
                    if (rule.Criteria is { } criteria)
                        subjects.Add(OfRule(policy, version, rule, criteria));
            foreach (var device in policy.FdaDevices)
                subjects.Add(OfDevice(policy, device));
        }
        return subjects;
    }

    /// <summary>
    /// The id of the same questions' adaptive form (DTR 2.0.1 dtr-questionnaire-adapt-search: no items, the questions come
    /// one at a time from <c>$next-question</c>), its own canonical so that a canonical names one form for good.
    /// </summary>
    public string AdaptiveId => LogicalId(Id + "-adaptive");

    /// <summary>The questionnaire with this id (its standard form's, or its adaptive form's) in the catalogue, or null.</summary>
    public static QuestionnaireSubject? Find(PolicyCatalogue catalogue, string id) =>
        All(catalogue).FirstOrDefault(s => s.Id == id) ?? All(catalogue).FirstOrDefault(s => s.AdaptiveId == id);

    /// <summary>
    /// The questionnaire that can decide a line: for a line that needs information because a statement's criteria are
    /// unknown, that statement's; because a provision requires an FDA label the records do not settle, that device's.
    /// Null for a line the documentation cannot change (decided, or needing a diagnosis or a description).
    /// </summary>
    public static QuestionnaireSubject? For(PolicyCatalogue catalogue, LineDetermination line)
    {
        if (line.Outcome != LineOutcome.InformationRequired || line.Policy is not { } reference) return null;
        if (catalogue.FindPolicy(reference.Id) is not { } policy) return null;
        if (line.Criteria.Count > 0 && line.FactsNeeded.Count > 0) return StatementOf(policy, reference, line);
        if (line.FdaLabel is { Status: FdaLabelStatus.Indeterminate, Authorization: { } authorization }
            && policy.FdaDevices.FirstOrDefault(d => d.Authorization == authorization) is { } device)
            return OfDevice(policy, device);
        return null;
    }

    /// <summary>
    /// The questionnaire a reviewer asks the provider to complete for a line (docs/dtr.md, "A reviewer asks for more"):
    /// the one <see cref="For"/> gives a line waiting for information; for a line already assessed (a recommendation a
    /// physician reviews) whose statement's criteria, or whose device's labeled indication, still has criteria nobody
    /// could assess, that statement's or that device's — the facts still missing are its questions. Null when nothing
    /// is missing (every criterion was met or not met on stated facts).
    /// </summary>
    public static QuestionnaireSubject? ForMissingFacts(PolicyCatalogue catalogue, LineDetermination line)
    {
        if (For(catalogue, line) is { } waiting) return waiting;
        if (line.Policy is not { } reference || catalogue.FindPolicy(reference.Id) is not { } policy) return null;
        if (line.Criteria.Any(c => c.Result == CriterionResult.Unknown) && StatementOf(policy, reference, line) is { } statement) return statement;
        if (line.FdaLabel is { Unknown.Count: > 0, Authorization: { } authorization }
            && policy.FdaDevices.FirstOrDefault(d => d.Authorization == authorization) is { } device)
            return OfDevice(policy, device);
        return null;
    }

    /// <summary>The determination names the statement by its criteria (ids and words, in order): the statement of that policy version with those criteria.</summary>
    private static QuestionnaireSubject? StatementOf(CoveragePolicy policy, PolicyReference reference, LineDetermination line)
    {
        var version = policy.Versions.FirstOrDefault(v => v.Version == reference.Version);
        var rule = version?.Rules.FirstOrDefault(r => r.Criteria is { } c && c.Criteria.Select(x => (x.Id, x.Text)).SequenceEqual(line.Criteria.Select(f => (f.Id, f.Text))));
        return rule is null ? null : OfRule(policy, version!, rule, rule.Criteria!);
    }

    private static QuestionnaireSubject OfRule(CoveragePolicy policy, PolicyVersion version, CoverageRule rule, CriteriaNode criteria) => new()
    {
        Id = LogicalId($"{policy.Id}-{version.Version}-{rule.Id}"),
        Title = $"{policy.Title} ({policy.Id}, version {version.Version}): {rule.Section}",
        PolicyId = policy.Id,
        Source = rule.Section,
        Criteria = criteria,
    };

    private static QuestionnaireSubject OfDevice(CoveragePolicy policy, FdaDevice device) => new()
    {
        Id = LogicalId($"{policy.Id}-fda-{device.Id}"),
        Title = $"FDA-labeled indication of the {device.Name} ({device.Authorization})",
        PolicyId = policy.Id,
        Source = device.Indication,
        Criteria = new CriteriaGroup(CriteriaCombination.All, 0,
            [.. device.Criteria.Select((c, i) => (CriteriaNode)new Criterion(i, c.Id, c.Text, c.Source, c.Condition))]),
    };

    /// <summary>A FHIR id ([A-Za-z0-9-.]{1,64}): lower case, other characters as '-', a long one cut and made unique by a hash.</summary>
    public static string LogicalId(string text)
    {
        var id = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-');
        if (id.Length <= 64) return id.ToString();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        return id.ToString(0, 55) + "-" + hash;
    }
}
