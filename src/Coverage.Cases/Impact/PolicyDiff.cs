using System.Globalization;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Cases.Impact;

/// <summary>
/// What changed between two catalogues (policies, their versions, codes and validity dates, scopes, statements and
/// their criteria, texts, FDA devices, references, plans and their provisions), or between two versions of one policy,
/// written as sentences ("Code 0971T added to version 2025-10-15, valid from 2026-01-01."), in a stable order: by
/// policy, then version, then the part of the policy. Nothing is compared as YAML text: each sentence names a part of
/// the rule model.
/// </summary>
public static class PolicyDiff
{
    public static IReadOnlyList<PolicyChange> Between(PolicyCatalogue before, PolicyCatalogue after)
    {
        var changes = new List<PolicyChange>();
        foreach (var id in Ids(before.Policies.Select(p => p.Id), after.Policies.Select(p => p.Id)))
        {
            var (old, now) = (before.FindPolicy(id), after.FindPolicy(id));
            var subject = $"policy {id}";
            if (old is null) changes.Add(new(subject, "added", $"Policy {id} \"{now!.Title}\" added: effective {Day(now.EffectiveDate)}, {now.Versions.Count} version(s), codes {List(now.Codes.Keys)}."));
            else if (now is null) changes.Add(new(subject, "removed", $"Policy {id} \"{old.Title}\" removed."));
            else Policy(changes, old, now);
        }
        foreach (var id in Ids(before.Plans.Select(p => p.Id), after.Plans.Select(p => p.Id)))
        {
            var (old, now) = (before.FindPlan(id), after.FindPlan(id));
            var subject = $"plan {id}";
            if (old is null) changes.Add(new(subject, "added", $"Plan {id} \"{now!.Name}\" added{(now.Provisions.Count == 0 ? ", with no provision" : $": {string.Join("; ", now.Provisions.Select(Describe))}")}."));
            else if (now is null) changes.Add(new(subject, "removed", $"Plan {id} \"{old.Name}\" removed."));
            else Plan(changes, old, now);
        }
        return changes;
    }

    /// <summary>What changed from one version of a policy to another: scope, codes in the version, statements and criteria.</summary>
    public static IReadOnlyList<PolicyChange> Between(CoveragePolicy policy, PolicyVersion from, PolicyVersion to)
    {
        var changes = new List<PolicyChange>();
        var subject = $"policy {policy.Id} version {to.Version}";
        changes.Add(new(subject, "changed", $"Version {to.Version} ({to.ReviewType}, effective {Day(to.Effective)}) against version {from.Version}: \"{to.Changes}\""));
        Version(changes, subject, policy, policy, from, to);
        return changes;
    }

    private static void Policy(List<PolicyChange> changes, CoveragePolicy old, CoveragePolicy now)
    {
        var subject = $"policy {now.Id}";
        Field(changes, subject, "Title", old.Title, now.Title);
        Field(changes, subject, "Publisher", old.Publisher, now.Publisher);
        Field(changes, subject, "Effective date", Day(old.EffectiveDate), Day(now.EffectiveDate));
        Field(changes, subject, "Next review date", Day(old.NextReviewDate), Day(now.NextReviewDate));

        foreach (var key in Ids(old.Texts.All.Keys, now.Texts.All.Keys))
        {
            var (a, b) = (old.Texts.All.GetValueOrDefault(key), now.Texts.All.GetValueOrDefault(key));
            if (a is null) changes.Add(new(subject, "added", $"Passage \"{b!.Section}\" added: \"{b.Text}\""));
            else if (b is null) changes.Add(new(subject, "removed", $"Passage \"{a.Section}\" removed."));
            else if (a != b) changes.Add(new(subject, "changed", $"Passage \"{b.Section}\" changed from \"{a.Text}\" to \"{b.Text}\"."));
        }

        foreach (var id in Ids(old.Modalities.Keys, now.Modalities.Keys))
        {
            var (a, b) = (old.Modalities.GetValueOrDefault(id), now.Modalities.GetValueOrDefault(id));
            if (a is null) changes.Add(new(subject, "added", $"Modality {id} (\"{b!.Name}\") added, recognised by {List(b.Synonyms)}."));
            else if (b is null) changes.Add(new(subject, "removed", $"Modality {id} (\"{a.Name}\") removed."));
            else
            {
                Field(changes, subject, $"The name of modality {id}", a.Name, b.Name);
                Added(changes, subject, b.Synonyms.Except(a.Synonyms, StringComparer.Ordinal), $"Modality {id} is also recognised by");
                Removed(changes, subject, a.Synonyms.Except(b.Synonyms, StringComparer.Ordinal), $"Modality {id} is no longer recognised by");
            }
        }

        foreach (var code in Ids(old.Codes.Keys, now.Codes.Keys))
        {
            var (a, b) = (old.Codes.GetValueOrDefault(code), now.Codes.GetValueOrDefault(code));
            if (a is null) changes.Add(new(subject, "added", $"Code {code} ({b!.System}, \"{b.Description}\") added to the Coding Information, {Validity(b.Validity)}."));
            else if (b is null) changes.Add(new(subject, "removed", $"Code {code} ({a.System}) removed from the Coding Information."));
            else
            {
                Field(changes, subject, $"The description of code {code}", a.Description, b.Description);
                if (a.Validity.From != b.Validity.From || a.Validity.To != b.Validity.To)
                    changes.Add(new(subject, "changed", $"Code {code} was {Validity(a.Validity)}; it is now {Validity(b.Validity)}."));
                if (a.Modality != b.Modality) changes.Add(new(subject, "changed", $"Code {code} now names {b.Modality ?? "no modality"} (was {a.Modality ?? "none"})."));
            }
        }

        foreach (var version in Ids(old.Versions.Select(v => v.Version), now.Versions.Select(v => v.Version)))
        {
            var (a, b) = (old.Versions.FirstOrDefault(v => v.Version == version), now.Versions.FirstOrDefault(v => v.Version == version));
            var versionSubject = $"policy {now.Id} version {version}";
            if (a is null)
            {
                changes.Add(new(versionSubject, "added", $"Version {version} ({b!.ReviewType}) added: \"{b.Changes}\"."));
                // What the new version changes, against the version it follows in the candidate.
                var previous = now.Versions.LastOrDefault(v => v.Effective < b.Effective);
                if (previous is not null) Version(changes, versionSubject, now, now, previous, b);
            }
            else if (b is null) changes.Add(new(versionSubject, "removed", $"Version {version} ({a.ReviewType}, \"{a.Changes}\") removed."));
            else
            {
                Field(changes, versionSubject, $"The review type of version {version}", a.ReviewType, b.ReviewType);
                Field(changes, versionSubject, $"The change note of version {version}", a.Changes, b.Changes);
                Version(changes, versionSubject, old, now, a, b);
            }
        }

        foreach (var id in Ids(old.FdaDevices.Select(d => d.Id), now.FdaDevices.Select(d => d.Id)))
        {
            var (a, b) = (old.FdaDevices.FirstOrDefault(d => d.Id == id), now.FdaDevices.FirstOrDefault(d => d.Id == id));
            if (a is null) changes.Add(new(subject, "added", $"FDA device {b!.Name} ({b.Authorization}, decided {Day(b.DecisionDate)}) added, for {List(b.Modalities)}, with {b.Criteria.Count} label criteria."));
            else if (b is null) changes.Add(new(subject, "removed", $"FDA device {a.Name} ({a.Authorization}) removed."));
            else
            {
                Field(changes, subject, $"The indication of {b.Name}", a.Indication, b.Indication);
                foreach (var criterion in Ids(a.Criteria.Select(c => c.Id), b.Criteria.Select(c => c.Id)))
                {
                    var (x, y) = (a.Criteria.FirstOrDefault(c => c.Id == criterion), b.Criteria.FirstOrDefault(c => c.Id == criterion));
                    if (x is null) changes.Add(new(subject, "added", $"Label criterion {criterion} of {b.Name} added: \"{y!.Text}\"."));
                    else if (y is null) changes.Add(new(subject, "removed", $"Label criterion {criterion} of {b.Name} removed (\"{x.Text}\")."));
                    else if (x.Text != y.Text)
                        changes.Add(new(subject, "changed", $"Label criterion {criterion} of {b.Name} changed: \"{x.Text}\" → \"{y.Text}\"."));
                    else if (!Same(x.Condition, y.Condition))
                        changes.Add(new(subject, "changed", $"Label criterion {criterion} of {b.Name} (\"{y.Text}\") now tests {Describe(y.Condition)} (was {Describe(x.Condition)}); its text is unchanged."));
                }
            }
        }

        foreach (var number in old.References.Keys.Union(now.References.Keys).Order())
        {
            var (a, b) = (old.References.GetValueOrDefault(number), now.References.GetValueOrDefault(number));
            if (a is null) changes.Add(new(subject, "added", $"Reference {number} added: {b!.Citation}"));
            else if (b is null) changes.Add(new(subject, "removed", $"Reference {number} removed ({a.ShortCitation})."));
            else if (a.Citation != b.Citation) changes.Add(new(subject, "changed", $"Reference {number} changed from \"{a.Citation}\" to \"{b.Citation}\"."));
        }

        foreach (var title in Ids(old.RelatedResources.Select(r => r.Title), now.RelatedResources.Select(r => r.Title)))
        {
            var (a, b) = (old.RelatedResources.FirstOrDefault(r => r.Title == title), now.RelatedResources.FirstOrDefault(r => r.Title == title));
            if (a is null) changes.Add(new(subject, "added", $"Related coverage resource \"{title}\" added."));
            else if (b is null) changes.Add(new(subject, "removed", $"Related coverage resource \"{title}\" removed."));
            else if (!a.MatchTerms.SequenceEqual(b.MatchTerms, StringComparer.Ordinal))
                changes.Add(new(subject, "changed", $"Related coverage resource \"{title}\" is now matched by {List(b.MatchTerms)} (was {List(a.MatchTerms)})."));
        }
    }

    /// <summary>One version against another: the modalities and codes in its scope, its statement or its ordered rules with their criteria.</summary>
    private static void Version(List<PolicyChange> changes, string subject, CoveragePolicy oldPolicy, CoveragePolicy policy, PolicyVersion a, PolicyVersion b)
    {
        var name = $"version {b.Version}";
        foreach (var modality in b.Modalities.Except(a.Modalities).Order(StringComparer.Ordinal))
            changes.Add(new(subject, "added", $"{Modality(policy, modality)} added to the scope of {name}."));
        foreach (var modality in a.Modalities.Except(b.Modalities).Order(StringComparer.Ordinal))
            changes.Add(new(subject, "removed", $"{Modality(oldPolicy, modality)} removed from the scope of {name}."));
        foreach (var code in b.Codes.Except(a.Codes, StringComparer.Ordinal))
            changes.Add(new(subject, "added", $"Code {code} added to {name}{(policy.Codes.GetValueOrDefault(code) is { } c ? $" (\"{c.Description}\"), {Validity(c.Validity)}" : "")}."));
        foreach (var code in a.Codes.Except(b.Codes, StringComparer.Ordinal))
            changes.Add(new(subject, "removed", $"Code {code} removed from {name}."));

        if (a.Statement is not null || b.Statement is not null)
        {
            if (a.Statement?.Text != b.Statement?.Text)
                changes.Add(new(subject, "changed", $"The coverage statement of {name} changed from \"{a.Statement?.Text ?? "(none)"}\" to \"{b.Statement?.Text ?? "(none)"}\"."));
            if (a.Statement?.Determination != b.Statement?.Determination)
                changes.Add(new(subject, "changed", $"The coverage statement of {name} now decides {b.Statement?.Determination.ToWire() ?? "nothing"} (was {a.Statement?.Determination.ToWire() ?? "nothing"})."));
        }

        foreach (var id in Ids(a.Rules.Select(r => r.Id), b.Rules.Select(r => r.Id)))
        {
            var (x, y) = (a.Rules.FirstOrDefault(r => r.Id == id), b.Rules.FirstOrDefault(r => r.Id == id));
            var place = y is null ? "" : $" (statement {IndexOf(b.Rules, y) + 1} of {b.Rules.Count})";
            if (x is null) changes.Add(new(subject, "added", $"Statement {id}{place} added to {name}: \"{y!.Text}\" — {y.Determination.ToWire()}{Criteria(y)}."));
            else if (y is null) changes.Add(new(subject, "removed", $"Statement {id} removed from {name} (\"{x.Text}\")."));
            else
            {
                if (x.Text != y.Text) changes.Add(new(subject, "changed", $"Statement {id}{place} of {name} changed from \"{x.Text}\" to \"{y.Text}\"."));
                if (x.Determination != y.Determination)
                    changes.Add(new(subject, "changed", $"Statement {id} of {name} now decides {y.Determination.ToWire()} (was {x.Determination.ToWire()})."));
                foreach (var code in Set(y.Codes).Except(Set(x.Codes), StringComparer.Ordinal))
                    changes.Add(new(subject, "added", $"Code {code} added to statement {id}{place} of {name}{(policy.Codes.GetValueOrDefault(code) is { } c ? $", {Validity(c.Validity)}" : "")}."));
                foreach (var code in Set(x.Codes).Except(Set(y.Codes), StringComparer.Ordinal))
                    changes.Add(new(subject, "removed", $"Code {code} removed from statement {id} of {name}."));
                foreach (var service in Set(y.Services).Except(Set(x.Services), StringComparer.Ordinal))
                    changes.Add(new(subject, "added", $"{Modality(policy, service)} added to statement {id}{place} of {name}."));
                foreach (var service in Set(x.Services).Except(Set(y.Services), StringComparer.Ordinal))
                    changes.Add(new(subject, "removed", $"{Modality(oldPolicy, service)} removed from statement {id} of {name}."));
                var (oldCriteria, newCriteria) = (Criteria(x.Criteria), Criteria(y.Criteria));
                foreach (var criterion in Ids(oldCriteria.Keys, newCriteria.Keys))
                {
                    var (c, d) = (oldCriteria.GetValueOrDefault(criterion), newCriteria.GetValueOrDefault(criterion));
                    if (c is null) changes.Add(new(subject, "added", $"Criterion {criterion} added to statement {id} of {name}: \"{d!.Text}\"."));
                    else if (d is null) changes.Add(new(subject, "removed", $"Criterion {criterion} removed from statement {id} of {name} (\"{c.Text}\")."));
                    else if (c.Text != d.Text)
                        changes.Add(new(subject, "changed", $"Criterion {criterion} of statement {id} of {name} changed: \"{c.Text}\" → \"{d.Text}\"."));
                    else if (!Same(c.Condition, d.Condition))
                        changes.Add(new(subject, "changed", $"Criterion {criterion} of statement {id} of {name} (\"{d.Text}\") now tests {Describe(d.Condition)} (was {Describe(c.Condition)}); its text is unchanged."));
                }
                if (x.Otherwise?.Determination != y.Otherwise?.Determination)
                    changes.Add(new(subject, "changed", $"When its criteria are not met, statement {id} of {name} now decides {y.Otherwise?.Determination.ToWire() ?? "nothing (the next statement is read)"} (was {x.Otherwise?.Determination.ToWire() ?? "nothing"})."));
            }
        }
        var (oldOrder, newOrder) = (a.Rules.Select(r => r.Id).Where(b.Rules.Select(r => r.Id).Contains).ToList(), b.Rules.Select(r => r.Id).Where(a.Rules.Select(r => r.Id).Contains).ToList());
        if (!oldOrder.SequenceEqual(newOrder, StringComparer.Ordinal))
            changes.Add(new(subject, "changed", $"The statements of {name} are read in another order: {string.Join(", ", newOrder)} (was {string.Join(", ", oldOrder)})."));
    }

    private static void Plan(List<PolicyChange> changes, BenefitPlan old, BenefitPlan now)
    {
        var subject = $"plan {now.Id}";
        Field(changes, subject, "The name", old.Name, now.Name);
        if (old.IsDefault != now.IsDefault) changes.Add(new(subject, "changed", now.IsDefault ? $"Plan {now.Id} is now the default plan." : $"Plan {now.Id} is no longer the default plan."));
        foreach (var id in Ids(old.Provisions.Select(p => p.Id), now.Provisions.Select(p => p.Id)))
        {
            var (a, b) = (old.Provisions.FirstOrDefault(p => p.Id == id), now.Provisions.FirstOrDefault(p => p.Id == id));
            if (a is null) changes.Add(new(subject, "added", $"Plan {now.Id}: {Describe(b!)} added."));
            else if (b is null) changes.Add(new(subject, "removed", $"Plan {now.Id}: {Describe(a)} removed."));
            else if (Describe(a) != Describe(b)) changes.Add(new(subject, "changed", $"Plan {now.Id}: {Describe(b)} (was: {Describe(a)})."));
        }
    }

    private static string Describe(PlanProvision provision) =>
        $"{provision.Kind} '{provision.Id}' ({provision.Source.ToWire()}) that {(provision.Effect == ProvisionEffect.Cover ? "covers" : "excludes")} " +
        $"{(provision.Modalities is null ? "every modality" : List(provision.Modalities))} of policy {provision.PolicyId}" +
        $"{(provision.RequiresFdaLabel is { } label ? $" when the FDA label assessment is {label.ToWire()}" : "")}: \"{provision.Text}\"";

    /// <summary>Conditions compared by structure: a record's list holds its children by reference, so equal lists would compare unequal.</summary>
    private static bool Same(FactCondition a, FactCondition b) => (a, b) switch
    {
        (AnyOf x, AnyOf y) => SameAll(x.Conditions, y.Conditions),
        (AllOf x, AllOf y) => SameAll(x.Conditions, y.Conditions),
        (NoneOf x, NoneOf y) => SameAll(x.Conditions, y.Conditions),
        (DiagnosisIn x, DiagnosisIn y) => x.ValueSet.Name == y.ValueSet.Name
            && x.ValueSet.Prefixes.SequenceEqual(y.ValueSet.Prefixes, StringComparer.Ordinal) && x.ValueSet.Codes.SequenceEqual(y.ValueSet.Codes, StringComparer.Ordinal),
        _ => a.Equals(b),
    };

    /// <summary>A condition in words: "antiepilepticDrugRegimensTried at least 2", "any of (…)".</summary>
    private static string Describe(FactCondition condition) => condition switch
    {
        FactComparison c => $"{c.Fact} {Comparison(c.Comparison)} {Value(c.Value)}",
        AnyOf any => $"any of ({string.Join("; ", any.Conditions.Select(Describe))})",
        AllOf all => $"all of ({string.Join("; ", all.Conditions.Select(Describe))})",
        NoneOf none => $"none of ({string.Join("; ", none.Conditions.Select(Describe))})",
        DiagnosisIn diagnosis => $"a diagnosis in {diagnosis.ValueSet.Name}",
        _ => condition.GetType().Name,
    };

    private static string Comparison(Comparison comparison) => comparison switch
    {
        Engine.Catalogue.Comparison.EqualTo => "equals",
        Engine.Catalogue.Comparison.AtLeast => "at least",
        Engine.Catalogue.Comparison.AtMost => "at most",
        Engine.Catalogue.Comparison.LessThan => "less than",
        _ => "more than",
    };

    private static string Value(FactValue value) => value.Type switch
    {
        FactType.Number => value.Number.ToString(CultureInfo.InvariantCulture),
        FactType.Boolean => value.Boolean ? "true" : "false",
        FactType.Date => DateOnly.FromDayNumber((int)value.Number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        FactType.List => string.Join(", ", value.Items ?? []),
        _ => value.Code ?? "",
    };

    private static bool SameAll(IReadOnlyList<FactCondition> a, IReadOnlyList<FactCondition> b) =>
        a.Count == b.Count && a.Zip(b).All(pair => Same(pair.First, pair.Second));

    private static Dictionary<string, Criterion> Criteria(CriteriaNode? node) =>
        node is null ? [] : node.Criteria.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private static string Criteria(CoverageRule rule) =>
        rule.Criteria is null ? "" : $", when {string.Join("; ", rule.Criteria.Criteria.Select(c => $"\"{c.Text}\""))}";

    private static int IndexOf(IReadOnlyList<CoverageRule> rules, CoverageRule rule)
    {
        for (var i = 0; i < rules.Count; i++) if (ReferenceEquals(rules[i], rule)) return i;
        return -1;
    }

    private static IEnumerable<string> Set(IReadOnlySet<string>? values) => values?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();

    private static string Modality(CoveragePolicy policy, string id) =>
        policy.Modalities.GetValueOrDefault(id) is { } modality ? $"{modality.Name} ({id})" : id;

    private static void Field(List<PolicyChange> changes, string subject, string what, string old, string now)
    {
        if (old != now) changes.Add(new(subject, "changed", $"{what} changed from \"{old}\" to \"{now}\"."));
    }

    private static void Added(List<PolicyChange> changes, string subject, IEnumerable<string> values, string what)
    {
        var list = values.ToList();
        if (list.Count > 0) changes.Add(new(subject, "added", $"{what} {List(list)}."));
    }

    private static void Removed(List<PolicyChange> changes, string subject, IEnumerable<string> values, string what)
    {
        var list = values.ToList();
        if (list.Count > 0) changes.Add(new(subject, "removed", $"{what} {List(list)}."));
    }

    private static string Validity(CodeValidity validity) => (validity.From, validity.To) switch
    {
        (null, null) => "valid without an effective or end date",
        ({ } from, null) => $"valid from {Day(from)}",
        (null, { } to) => $"valid until {Day(to)}",
        ({ } from, { } to) => $"valid from {Day(from)} to {Day(to)}",
    };

    /// <summary>The union of two id lists, in ordinal order: what both sides are compared on.</summary>
    private static IEnumerable<string> Ids(IEnumerable<string> a, IEnumerable<string> b) => a.Union(b, StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static string List(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
