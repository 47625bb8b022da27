using System.Text;
using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>
/// A version's coverage statements as a reviewer reads them: each statement's words, what it is about, its
/// criteria as an indented checklist with the facts each reads, and what it decides either way.
/// Used by `coverage policy show` and the server's policy pages.
/// </summary>
public static class RuleText
{
    public static string Render(CoveragePolicy policy, PolicyVersion version)
    {
        var text = new StringBuilder();
        text.AppendLine("Coverage statements, read in order; the first about the line decides it:");
        foreach (var (rule, i) in version.Rules.Select((r, i) => (r, i)))
        {
            text.AppendLine();
            text.AppendLine($"{i + 1}. {rule.Id} ({rule.Section})");
            text.AppendLine($"   \"{rule.Text}\"");
            var services = rule.Services is null ? "every service of the version" : string.Join(", ", rule.Services.Select(s => policy.Modalities[s].Name));
            var codes = rule.Codes is null ? "" : $"; codes {string.Join(", ", rule.Codes)}";
            var indications = rule.Indications is null ? "any indication" : string.Join(" or ", rule.Indications.Select(x => $"{x.Diagnoses.Name} ({x.Diagnoses.Display})"));
            text.AppendLine($"   About: {services}{codes}; {indications}");
            if (rule.Criteria is null)
            {
                text.AppendLine($"   Decides: {rule.Determination.ToWire()}, whatever the clinical facts");
                continue;
            }
            text.AppendLine($"   {rule.Determination.ToWire()} when:");
            Criteria(text, rule.Criteria, "     ");
            text.AppendLine(rule.Otherwise is { } otherwise
                ? $"   Otherwise: {otherwise.Determination.ToWire()}" + (otherwise.Text == rule.Text ? "" : $" ({otherwise.Section}: \"{otherwise.Text}\")")
                : "   Otherwise: the next statement decides");
        }
        return text.ToString();
    }

    private static void Criteria(StringBuilder text, CriteriaNode node, string indent)
    {
        switch (node)
        {
            case Criterion criterion:
                text.AppendLine($"{indent}[ ] {criterion.Text}  ({criterion.Id}; reads {string.Join(", ", criterion.Condition.Facts.Distinct(StringComparer.Ordinal))})");
                break;
            case CriteriaGroup group:
                text.AppendLine(indent + group.Combination switch
                {
                    CriteriaCombination.All => "all of:",
                    CriteriaCombination.Any => "any of:",
                    CriteriaCombination.None => "none of:",
                    _ => $"at least {group.Required} of:",
                });
                foreach (var child in group.Children) Criteria(text, child, indent + "  ");
                break;
        }
    }
}
