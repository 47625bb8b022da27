using System.Text;
using Coverage.Engine.Model;

namespace Coverage.Cli;

/// <summary>A readable summary of a determination, for people at a terminal.</summary>
internal static class TextSummary
{
    public static string Render(Determination determination)
    {
        var text = new StringBuilder();
        text.Append($"Request {determination.RequestId ?? "(no id)"}: {determination.Outcome.ToWire()}");
        text.AppendLine(determination.RequiresPhysicianReview ? " — physician review required before any denial" : "");
        foreach (var line in determination.Lines)
        {
            text.AppendLine();
            var reasons = line.ReasonCodes.Count == 0 ? "" : "  [" + string.Join(" ", line.ReasonCodes.Select(r => r.Group is null ? $"{r.System} {r.Code}" : $"{r.Group}-{r.Code}")) + "]";
            text.AppendLine($"Line {line.Sequence}  {line.Code}  {line.DateOfService:yyyy-MM-dd}  {line.Outcome.ToWire()}{reasons}");
            if (line.Modality is not null) text.AppendLine($"  Modality:     {line.Modality}");
            if (line.GovernedBy is not null) text.AppendLine($"  Governed by:  {line.GovernedBy.Value.ToWire()}");
            if (line.Policy is not null) text.AppendLine($"  Policy:       {line.Policy.Id} \"{line.Policy.Title}\", version {line.Policy.Version}");
            if (line.RelatedPolicy is not null) text.AppendLine($"  Related:      {line.RelatedPolicy}");
            if (line.FdaLabel is { } label)
            {
                var device = label.Device is null ? "" : $" ({label.Device}, {label.Authorization})";
                text.AppendLine($"  FDA label:    {label.Status.ToWire()}{device}");
                if (label.Unmet.Count > 0) text.AppendLine($"    unmet:      {string.Join(", ", label.Unmet)}");
                if (label.Unknown.Count > 0) text.AppendLine($"    unknown:    {string.Join(", ", label.Unknown)}");
            }
            if (line.RequiresPhysicianReview) text.AppendLine("  Review:       a physician reviewer must decide (recommendation only)");
            text.AppendLine($"  Why:          {Wrap(line.Rationale, 100, 16)}");
            foreach (var item in line.InformationNeeded) text.AppendLine($"  Send:         {item}");
            foreach (var citation in line.Citations.Where(c => c.Section is not null)) text.AppendLine($"  Cites:        {citation.Section}");
            var references = line.Citations.Where(c => c.Reference is not null).Select(c => c.Reference!.Value).ToList();
            if (references.Count > 0) text.AppendLine($"  References:   {string.Join(", ", references)}");
        }
        foreach (var warning in determination.Warnings)
        {
            text.AppendLine();
            text.AppendLine($"Warning: {warning}");
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>Wraps at word boundaries; continuation lines are indented to the first line's text.</summary>
    private static string Wrap(string text, int width, int indent)
    {
        var result = new StringBuilder();
        var column = indent;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (column > indent && column + 1 + word.Length > width)
            {
                result.AppendLine().Append(' ', indent);
                column = indent;
            }
            else if (column > indent)
            {
                result.Append(' ');
                column++;
            }
            result.Append(word);
            column += word.Length;
        }
        return result.ToString();
    }
}
