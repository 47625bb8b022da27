using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>What a version's statements may name: the policy's indications, the catalogue's facts, the policy's passages.</summary>
/// <summary>What a policy's versions are checked against: its indications (and whether it names one condition), facts and passages.</summary>
internal sealed record RuleContext(IReadOnlyList<Indication> Indications, FactDefinitions? Facts, PolicyTexts? Texts, bool HasCondition = false);

// The statements of a version (coverage-semantics.md §10), loaded and checked with file, path and reason.
public static partial class CatalogueLoader
{
    /// <summary>
    /// Criterion results are packed two bits each into one 64-bit word, which keys the compiled rationales:
    /// a statement with more criteria is refused here rather than failing at evaluation.
    /// </summary>
    public const int MaxCriteriaPerStatement = 31;

    private static StatementDetermination? Determination(FileProblems at, string? text, string path)
    {
        if (text is null) return at.Missing<StatementDetermination?>(path);
        foreach (var determination in Enum.GetValues<StatementDetermination>())
            if (determination.ToWire() == text) return determination;
        return at.Invalid<StatementDetermination?>(path,
            $"'{text}' is not a determination ({string.Join(", ", Enum.GetValues<StatementDetermination>().Select(d => d.ToWire()))})");
    }

    private static List<CoverageRule>? LoadRules(
        FileProblems at, List<RuleEntry> entries, string path, IReadOnlySet<string> services, List<string> codes, RuleContext context)
    {
        var rules = new List<CoverageRule>();
        var broken = false;
        if (entries.Count == 0) at.Add(path, "a version needs at least one statement");
        foreach (var (entry, i) in Indexed(entries))
        {
            var rule = LoadRule(at, entry, $"{path}[{i}]", services, codes, context);
            if (rule is null) broken = true;
            else if (rules.Any(r => r.Id == rule.Id)) at.Add($"{path}[{i}].id", $"statement '{rule.Id}' is defined twice in this version");
            else rules.Add(rule);
        }
        if (rules.Count > 0 && rules[^1].Otherwise is null && rules[^1].Criteria is not null && !broken && entries[^1].Otherwise?.Next == true)
            at.Add($"{path}[{entries.Count - 1}].otherwise.next", "the last statement has no next statement to defer to");
        return broken ? null : rules;
    }

    private static CoverageRule? LoadRule(
        FileProblems at, RuleEntry entry, string path, IReadOnlySet<string> versionServices, List<string> versionCodes, RuleContext context)
    {
        var before = at.Count;
        var id = at.Id(entry.Id, path + ".id");
        var section = at.Text(entry.Section, path + ".section");
        var text = at.Text(entry.Text, path + ".text");
        var determination = Determination(at, entry.Determination, path + ".determination");

        HashSet<string>? services = null;
        if (entry.Services is not null)
        {
            services = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (service, j) in Indexed(entry.Services))
                if (!versionServices.Contains(service)) at.Add($"{path}.services[{j}]", $"'{service}' is not among the modalities of this version ({Known(versionServices)})");
                else services.Add(service);
            if (entry.Services.Count == 0) at.Add(path + ".services", "an empty list would match no line; leave it out to mean every service of the version");
        }
        HashSet<string>? codes = null;
        if (entry.Codes is not null)
        {
            codes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (code, j) in Indexed(entry.Codes))
                if (!versionCodes.Contains(code.ToUpperInvariant())) at.Add($"{path}.codes[{j}]", $"code '{code}' is not among the codes of this version ({Known(versionCodes)})");
                else codes.Add(code.ToUpperInvariant());
            if (entry.Codes.Count == 0) at.Add(path + ".codes", "an empty list would match no line; leave it out to mean every code of the version");
        }
        List<Indication>? indications = null;
        if (entry.Indications is not null)
        {
            indications = [];
            foreach (var (indication, j) in Indexed(entry.Indications))
            {
                var found = context.Indications.FirstOrDefault(x => x.Id == indication);
                if (found is null) at.Add($"{path}.indications[{j}]", $"'{indication}' is not an indication of this policy ({Known(context.Indications.Select(x => x.Id))})");
                else indications.Add(found);
            }
            if (entry.Indications.Count == 0) at.Add(path + ".indications", "an empty list would match no line; leave it out to mean every indication");
        }

        CriteriaNode? criteria = null;
        if (entry.Criteria is not null)
        {
            var index = 0;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            criteria = LoadCriteria(at, entry.Criteria, path + ".criteria", context, ref index, ids);
            if (index > MaxCriteriaPerStatement)
                at.Add(path + ".criteria", $"the statement has {index} criteria; the engine evaluates at most {MaxCriteriaPerStatement} per statement (split it into statements)");
        }

        RuleOtherwise? otherwise = null;
        if (entry.Otherwise is { } other)
        {
            if (entry.Criteria is null) at.Add(path + ".otherwise", "only a statement with criteria has an otherwise");
            if (other.Next && (other.Determination is not null || other.Section is not null || other.Text is not null))
                at.Add(path + ".otherwise", "write either next: true (the next statement decides) or a determination, not both");
            else if (!other.Next)
            {
                var otherDetermination = Determination(at, other.Determination, path + ".otherwise.determination");
                if ((other.Section is null) != (other.Text is null))
                    at.Add(path + ".otherwise", "give both section and text of the passage that says it, or neither (the statement's own is cited)");
                if (otherDetermination is { } d && section is not null && text is not null)
                    otherwise = new RuleOtherwise(d, other.Section ?? section, other.Text ?? text);
                if (otherDetermination == determination)
                    at.Add(path + ".otherwise.determination", "is the statement's own determination: the criteria could not change the outcome (leave the criteria out)");
            }
        }
        else if (entry.Criteria is not null)
            at.Gap(path + ".otherwise", "missing: what the statement decides when its criteria are not met (a determination, or next: true)");

        foreach (var (key, j) in Indexed(entry.Cites ?? []))
            if (context.Texts is not null && !context.Texts.All.ContainsKey(key))
                at.Add($"{path}.cites[{j}]", $"'{key}' is not a passage of the policy's text ({Known(context.Texts.All.Keys)})");

        if (at.Count > before || id is null || section is null || text is null || determination is null) return null;
        return new CoverageRule
        {
            Id = id,
            Section = section,
            Text = text,
            Services = services,
            Codes = codes,
            Indications = indications,
            Criteria = criteria,
            Determination = determination.Value,
            Otherwise = otherwise,
            Cites = entry.Cites ?? [],
        };
    }

    private static CriteriaNode? LoadCriteria(FileProblems at, CriteriaEntry entry, string path, RuleContext context, ref int index, HashSet<string> ids)
    {
        var groups = new (List<CriteriaEntry>? Children, CriteriaCombination Kind, string Key)[]
        {
            (entry.All, CriteriaCombination.All, "all"), (entry.Any, CriteriaCombination.Any, "any"),
            (entry.None, CriteriaCombination.None, "none"), (entry.Of, CriteriaCombination.AtLeast, "of"),
        }.Where(g => g.Children is not null).ToList();
        var isCriterion = entry.When is not null || entry.Unmapped;
        if (groups.Count + (isCriterion ? 1 : 0) != 1)
        {
            at.Add(path, "write exactly one of: a criterion (id, text, when), all, any, none, or atLeast with of");
            return null;
        }
        if (isCriterion)
        {
            var id = at.Id(entry.Id, path + ".id");
            var text = at.Text(entry.Text, path + ".text");
            if (id is not null && !ids.Add(id)) at.Add(path + ".id", $"criterion '{id}' is defined twice in this statement");
            FactCondition? condition;
            if (entry.Unmapped)
            {
                // An imported criterion: the document's words, not yet a condition on facts. Nothing can decide with it.
                if (entry.When is not null) at.Add(path + ".unmapped", "the criterion has a condition (when): remove \"unmapped: true\"");
                at.Gap(path + ".when", $"criterion not mapped to facts: \"{text}\" (write its condition under when, then remove \"unmapped: true\")");
                condition = new UnmappedCondition();
            }
            else condition = LoadFactCondition(at, entry.When, path + ".when", context.Facts);
            var position = index++;
            return id is null || text is null || condition is null ? null : new Criterion(position, id, text, entry.Section, condition);
        }
        if (entry.Id is not null || entry.Text is not null) at.Add(path, "a group of criteria has no id or text of its own; its criteria do");
        var (children, kind, key) = groups[0];
        if (kind == CriteriaCombination.AtLeast && entry.AtLeast is null) at.Add(path + ".atLeast", "missing: how many of the criteria must be met");
        if (kind != CriteriaCombination.AtLeast && entry.AtLeast is not null) at.Add(path + ".atLeast", "atLeast goes with of");
        if (children!.Count == 0) at.Add($"{path}.{key}", "needs at least one criterion");
        if (kind == CriteriaCombination.AtLeast && entry.AtLeast is { } n && (n < 1 || n > children.Count))
            at.Add(path + ".atLeast", $"must be between 1 and the {children.Count} criteria listed");
        var nodes = new List<CriteriaNode?>();
        foreach (var (child, i) in Indexed(children))
            nodes.Add(LoadCriteria(at, child, $"{path}.{key}[{i}]", context, ref index, ids));
        if (nodes.Any(n => n is null)) return null;
        return new CriteriaGroup(kind, entry.AtLeast ?? 0, nodes!);
    }
}
