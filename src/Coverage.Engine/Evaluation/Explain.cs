using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>Small pieces of plain-language explanation that several steps share.</summary>
internal static class Explain
{
    public static string Validity(CodeValidity validity)
    {
        var window = (validity.From, validity.To) switch
        {
            (null, null) => "no effective or end date",
            ({ } from, null) => $"effective from {from:yyyy-MM-dd}",
            (null, { } to) => $"valid until {to:yyyy-MM-dd}",
            ({ } from, { } to) => $"valid from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
        };
        return $"{window}; source: {validity.Source}";
    }

    public static string CriteriaLists(FdaLabelAssessment label) =>
        (label.Unmet.Count > 0 ? $"; unmet: {string.Join(", ", label.Unmet)}" : "")
        + (label.Unknown.Count > 0 ? $"; unknown: {string.Join(", ", label.Unknown)}" : "");

    public static string CriterionTexts(FdaLabelAssessment label, IEnumerable<string> ids) =>
        string.Join("; ", ids.Select(id => label.Criteria.First(c => c.Id == id).Text.ToLowerInvariant()));

    /// <summary>What the provider should send to settle an unknown criterion: the documentation of each fact it reads.</summary>
    public static string Documentation(FdaDevice device, FactDefinitions facts, string criterionId)
    {
        var criterion = device.Criteria.First(c => c.Id == criterionId);
        var documents = criterion.Condition.Facts.Distinct(StringComparer.Ordinal)
            .Select(f => facts.Find(f)?.Documentation ?? f);
        return $"{criterion.Text} ({criterion.Id}): {string.Join("; or ", documents)}";
    }

    /// <summary>The FDA label sentence of a medical-necessity rationale, ending with a space.</summary>
    public static string LabelSentence(FdaLabelAssessment label, string condition, string? fdaNote)
    {
        if (label.Device is null)
            return $"No device has FDA authorization with an indication for treating a {condition} by this method. ";
        var finding = label.Status switch
        {
            FdaLabelStatus.OnLabel => "the patient meets every criterion of its labeled indication",
            FdaLabelStatus.OffLabel => $"the patient is outside its labeled indication ({CriterionTexts(label, label.Unmet)})",
            _ => $"the records do not show whether the patient is within its labeled indication (unknown: {CriterionTexts(label, label.Unknown)})",
        };
        return fdaNote is null
            ? $"FDA label of the {label.Device} ({label.Authorization}): {finding}. "
            : $"FDA label of the {label.Device} ({label.Authorization}): {finding}. {fdaNote} ";
    }
}
