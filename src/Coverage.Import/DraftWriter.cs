using System.Globalization;
using System.Text;

namespace Coverage.Import;

/// <summary>
/// Writes a <see cref="DraftPolicy"/> as the catalogue's files: policy.yaml ("status: draft", criteria
/// "unmapped: true") and references.yaml, each item followed by a comment naming its source line. What the document
/// does not say is left out, so that 'coverage policy validate' lists it as a gap for the analyst.
/// </summary>
public static class DraftWriter
{
    public static string PolicyYaml(DraftPolicy draft)
    {
        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"# Draft of policy {draft.Number.Value}, imported from {draft.SourceFile} by 'coverage policy import'.");
        y.AppendLine("# Each item's comment names the line of the document it was read from; import-report.md lists what was not placed.");
        y.AppendLine("# A draft decides nothing: map each criterion to facts (when), complete what 'coverage policy validate' lists,");
        y.AppendLine("# then remove \"status: draft\" (docs/impact-and-import.md, \"Import of a policy document\").");
        y.AppendLine("status: draft");
        y.AppendLine($"id: {Yaml.Quote(draft.Number.Value)}{Yaml.From(draft.Number.Line)}");
        if (draft.Title is { } title) y.AppendLine($"title: {Yaml.Quote(title.Value)}{Yaml.From(title.Line)}");
        if (draft.Publisher is { } publisher) y.AppendLine($"publisher: {Yaml.Quote(publisher.Value)}{Yaml.From(publisher.Line)}");
        if (draft.EffectiveDate is { } effective) y.AppendLine($"effectiveDate: {Yaml.Date(effective.Value)}{Yaml.From(effective.Line)}");
        if (draft.NextReviewDate is { } next) y.AppendLine($"nextReviewDate: {Yaml.Date(next.Value)}{Yaml.From(next.Line)}");

        if (draft.Texts.Count > 0)
        {
            y.AppendLine().AppendLine("text:");
            foreach (var text in draft.Texts)
            {
                y.AppendLine($"  {text.Key}:{Yaml.From(text.Line)}");
                y.AppendLine($"    section: {Yaml.Quote(text.Section)}");
                y.AppendLine($"    text: {Yaml.Quote(text.Text)}");
            }
        }

        if (draft.Modalities.Count > 0)
        {
            y.AppendLine().AppendLine("# The services the statements list. Synonyms (the words that name each in a line's description) are the analyst's.");
            y.AppendLine("modalities:");
            foreach (var modality in draft.Modalities)
            {
                y.AppendLine($"  - id: {modality.Id}{Yaml.From(modality.Line)}");
                y.AppendLine($"    name: {Yaml.Quote(modality.Name)}");
            }
        }

        var diagnoses = draft.Indications;
        if (diagnoses.Count == 1)
        {
            y.AppendLine().AppendLine("condition:");
            y.AppendLine($"  name: {Yaml.Quote(diagnoses[0].Name)}{Yaml.From(diagnoses[0].Line)}");
            y.AppendLine($"  diagnoses: {Yaml.List(diagnoses[0].Diagnoses)}");
        }
        else if (diagnoses.Count > 1)
        {
            y.AppendLine().AppendLine("indications:");
            foreach (var indication in diagnoses)
            {
                y.AppendLine($"  - id: {indication.Id}{Yaml.From(indication.Line)}");
                y.AppendLine($"    name: {Yaml.Quote(indication.Name)}");
                y.AppendLine($"    diagnoses: {Yaml.List(indication.Diagnoses)}");
            }
        }

        if (draft.Codes.Count > 0)
        {
            y.AppendLine().AppendLine("# The coding tables. A listed code's modality, whether its descriptor names the condition, and its validity");
            y.AppendLine("# where the document gives no date, are the analyst's.");
            y.AppendLine("codes:");
            foreach (var code in draft.Codes)
            {
                y.AppendLine($"  - code: {Yaml.Quote(code.Code)}{Yaml.From(code.Line, CodeContext(code, draft))}");
                y.AppendLine($"    system: {code.System}");
                y.AppendLine($"    description: {Yaml.Quote(code.Description)}");
                if (code.Unlisted) y.AppendLine("    unlisted: true");
                if (code.EffectiveFrom is { } from)
                {
                    y.AppendLine("    validity:");
                    y.AppendLine($"      from: {Yaml.Date(from.Value)}");
                    y.AppendLine($"      source: {Yaml.Quote($"The document's coding table: effective {from.Value.ToString("M/d/yyyy", CultureInfo.InvariantCulture)}.")}");
                }
            }
        }

        if (draft.CodeListings.Count > 0)
        {
            // Comments, not data: a range is not expanded and an ICD-10-PCS code has no place in the catalogue's codes.
            y.AppendLine().AppendLine("# Listed in the coding tables but not written as codes (import-report.md, \"For the analyst\"):");
            foreach (var listing in draft.CodeListings)
                y.AppendLine($"#   {listing.System} {listing.Codes} \"{listing.Description.Replace('\n', ' ')}\"{Yaml.From(listing.Line)}" +
                    (listing.Reason == "range" ? " (a range, not expanded)" : " (not a CPT or HCPCS code)"));
        }

        if (draft.Versions.Count > 0)
        {
            y.AppendLine().AppendLine("versions:");
            foreach (var version in draft.Versions) WriteVersion(y, version, draft);
        }

        if (draft.RelatedResources.Count > 0)
        {
            y.AppendLine().AppendLine("relatedResources:");
            foreach (var resource in draft.RelatedResources)
                y.AppendLine($"  - title: {Yaml.Quote(resource.Value)}{Yaml.From(resource.Line)}");
        }

        if (draft.Devices.Count > 0)
        {
            y.AppendLine().AppendLine("# Device tables. Pathway, class, indication, criteria and modalities are the analyst's.");
            y.AppendLine("fdaDevices:");
            foreach (var device in draft.Devices)
            {
                y.AppendLine($"  - id: {device.Id}{Yaml.From(device.Line)}");
                y.AppendLine($"    name: {Yaml.Quote(device.Name)}");
                if (device.Manufacturer is { } maker) y.AppendLine($"    manufacturer: {Yaml.Quote(maker)}");
                if (device.Authorization is { } authorization) y.AppendLine($"    authorization: {Yaml.Quote(authorization)}");
                if (device.DecisionDate is { } decided) y.AppendLine($"    decisionDate: {Yaml.Date(decided)}");
                if (device.ProductCode is { } product) y.AppendLine($"    productCode: {Yaml.Quote(product.Value)}{Yaml.From(product.Line)}");
            }
        }
        return y.ToString();
    }

    private static void WriteVersion(StringBuilder y, DraftVersion version, DraftPolicy draft)
    {
        y.AppendLine($"  - effective: {Yaml.Date(version.Effective.Value)}{Yaml.From(version.Effective.Line)}");
        if (version.ReviewType is { } type) y.AppendLine($"    reviewType: {Yaml.Quote(type)}");
        if (version.Changes is { } changes) y.AppendLine($"    changes: {Yaml.Quote(changes)}");
        if (!version.IsCurrent) return; // the document gives the current version's scope and statements only
        if (draft.Modalities.Count > 0) y.AppendLine($"    modalities: [{string.Join(", ", draft.Modalities.Select(m => m.Id))}]");
        var procedures = draft.Codes.Select(c => c.Code).ToList();
        if (procedures.Count > 0) y.AppendLine($"    codes: {Yaml.List(procedures)}");
        if (version.Statements.Count == 0) return;
        if (version.Statements is [{ Criteria.Count: 0 } single])
        {
            // One statement for every line in scope: the catalogue's single coverage statement.
            y.AppendLine($"    coverageStatement:{Yaml.From(single.Line)}");
            y.AppendLine($"      section: {Yaml.Quote(single.Section)}");
            y.AppendLine($"      determination: {single.Determination}");
            y.AppendLine($"      text: {Yaml.Quote(single.Text)}");
            return;
        }
        y.AppendLine("    statements:");
        foreach (var statement in version.Statements)
        {
            y.AppendLine($"      - id: {statement.Id}{Yaml.From(statement.Line)}");
            y.AppendLine($"        section: {Yaml.Quote(statement.Section)}");
            y.AppendLine($"        text: {Yaml.Quote(statement.Text)}");
            if (statement.Services.Count > 0) y.AppendLine($"        services: [{string.Join(", ", statement.Services)}]");
            y.AppendLine($"        determination: {statement.Determination}");
            if (statement.Criteria.Count == 0) continue;
            y.AppendLine("        criteria:");
            if (statement.Combination == "atLeast") y.AppendLine($"          atLeast: {statement.AtLeast}");
            y.AppendLine($"          {(statement.Combination == "atLeast" ? "of" : statement.Combination)}:");
            foreach (var criterion in statement.Criteria)
            {
                y.AppendLine($"            - id: {criterion.Id}{Yaml.From(criterion.Line)}");
                y.AppendLine($"              text: {Yaml.Quote(criterion.Text)}");
                if (criterion.Section is { } section) y.AppendLine($"              section: {Yaml.Quote(section)}");
                y.AppendLine("              unmapped: true");
            }
        }
    }

    /// <summary>Where the code is listed, and which statements make the finding its group label names.</summary>
    private static string? CodeContext(DraftCode code, DraftPolicy draft)
    {
        var parts = new List<string>();
        if (code.Heading is { } heading) parts.Add($"under \"{heading.Value}\" ({heading.Line.Where})");
        if (code.Group is { } group)
        {
            parts.Add($"listed as \"{group.Value}\" ({group.Line.Where})");
            var statements = StatementsOf(code, draft);
            if (statements.Count > 0) parts.Add("statements " + string.Join(", ", statements));
        }
        if (code.Annotation is { } annotation) parts.Add($"[{annotation}]");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>The current statements whose finding is the one the code's group label names.</summary>
    public static IReadOnlyList<string> StatementsOf(DraftCode code, DraftPolicy draft) =>
        code.GroupDetermination is null ? [] :
        [.. draft.Versions.Where(v => v.IsCurrent).SelectMany(v => v.Statements).Where(s => s.Determination == code.GroupDetermination).Select(s => s.Id)];

    public static string? ReferencesYaml(DraftPolicy draft)
    {
        if (draft.References.Count == 0) return null;
        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"# The References of policy {draft.Number.Value}, numbered as in {draft.SourceFile}. How the text cites each (short) is the analyst's.");
        y.AppendLine("references:");
        foreach (var reference in draft.References)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  - number: {reference.Number}{Yaml.From(reference.Line)}");
            y.AppendLine($"    citation: {Yaml.Quote(reference.Citation)}");
            if (reference.Url is { } url) y.AppendLine($"    url: {Yaml.Quote(url)}");
        }
        return y.ToString();
    }
}
