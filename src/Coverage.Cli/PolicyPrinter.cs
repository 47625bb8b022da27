using System.Text;
using Coverage.Engine.Catalogue;

namespace Coverage.Cli;

/// <summary>A policy version as text: statement, codes, modalities and the revision history.</summary>
internal static class PolicyPrinter
{
    public static string Render(CoveragePolicy policy, PolicyVersion version, DateOnly? asOf)
    {
        var text = new StringBuilder();
        text.AppendLine($"Policy {policy.Id}: {policy.Title}");
        text.AppendLine($"Publisher: {policy.Publisher}");
        var current = version == policy.CurrentVersion;
        text.AppendLine(asOf is null
            ? $"Version {version.Version} (current; next review {policy.NextReviewDate:yyyy-MM-dd})"
            : $"Version {version.Version}, in effect on {asOf:yyyy-MM-dd}" + (current ? $" (current; next review {policy.NextReviewDate:yyyy-MM-dd})" : ""));
        text.AppendLine($"Review: {version.ReviewType}: {version.Changes}");
        text.AppendLine();

        if (version.Statement is { } statement)
        {
            text.AppendLine($"Coverage statement ({statement.Section}):");
            text.AppendLine($"  {statement.Text}");
            text.AppendLine();
        }
        else
        {
            text.Append(RuleText.Render(policy, version));
        }

        text.AppendLine("Modalities in scope:");
        foreach (var modality in policy.Modalities.Values.Where(m => version.Modalities.Contains(m.Id)))
            text.AppendLine($"  {modality.Id,-30} {modality.Name} (recognised as: {string.Join(", ", modality.Synonyms)})");
        text.AppendLine();

        text.AppendLine("Codes:");
        foreach (var code in version.Codes.Select(c => policy.Codes[c]))
        {
            var validity = (code.Validity.From, code.Validity.To) switch
            {
                (null, null) => "long-standing",
                ({ } from, null) => $"valid from {from:yyyy-MM-dd}",
                (null, { } to) => $"valid until {to:yyyy-MM-dd}",
                ({ } from, { } to) => $"valid {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
            };
            var what = code.Unlisted ? "unlisted: modality from the line's description" : code.Modality;
            text.AppendLine($"  {code.System} {code.Code}  {code.Description}");
            text.AppendLine($"        {what}; {validity} ({code.Validity.Source})");
        }
        text.AppendLine();

        if (policy.Condition is { } condition) text.AppendLine($"Condition: {condition.Name} ({condition.Display})");
        else
            foreach (var indication in policy.Indications)
                text.AppendLine($"Indication {indication.Id}: {indication.Diagnoses.Name} ({indication.Diagnoses.Display})");
        if (policy.RelatedResources.Count > 0)
            text.AppendLine($"Related coverage resources: {string.Join("; ", policy.RelatedResources.Select(r => r.Title))}");
        foreach (var device in policy.FdaDevices)
        {
            var notYet = asOf < device.DecisionDate ? $" — not yet authorized on {asOf:yyyy-MM-dd}" : "";
            text.AppendLine($"FDA device: {device.Name} ({device.Manufacturer}), {device.Pathway} {device.Authorization}, {device.DecisionDate:yyyy-MM-dd}, product code {device.ProductCode}; {device.Criteria.Count} label criteria{notYet}");
        }
        text.AppendLine();

        text.AppendLine("Revision history:");
        foreach (var v in policy.Versions.Reverse())
        {
            var marker = v == version ? "*" : " ";
            text.AppendLine($" {marker} {v.Version}  {v.ReviewType,-14} {v.Changes}  [{string.Join(", ", v.Codes)}]");
        }
        text.AppendLine("   (* the version shown)");
        return text.ToString();
    }
}
