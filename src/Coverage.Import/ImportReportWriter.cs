using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Coverage.Import;

/// <summary>
/// The import report, for people (import-report.md) and programs (import-report.json): what the draft holds, each
/// item with its source line; what the analyst must supply; and every run of text the importer could not place.
/// </summary>
public static class ImportReportWriter
{
    public const string MarkdownFile = "import-report.md";
    public const string JsonFile = "import-report.json";

    public static string Markdown(DraftPolicy draft, string sha256)
    {
        var md = new StringBuilder();
        var report = draft.Report;
        var statements = draft.Versions.SelectMany(v => v.Statements).ToList();
        var criteria = statements.Sum(s => s.Criteria.Count);
        md.AppendLine(CultureInfo.InvariantCulture, $"# Import report: policy {draft.Number.Value}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Source: `{draft.SourceFile}` (sha256 {sha256}).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Placed: {statements.Count} statement{S(statements.Count)} with {criteria} unmapped criteri{(criteria == 1 ? "on" : "a")}, " +
            $"{draft.Codes.Count} procedure code{S(draft.Codes.Count)}, {draft.Indications.Sum(i => i.Diagnoses.Count)} diagnosis code{S(draft.Indications.Sum(i => i.Diagnoses.Count))}, " +
            $"{draft.Versions.Count} version{S(draft.Versions.Count)}, {draft.References.Count} reference{S(draft.References.Count)}, {draft.Devices.Count} device{S(draft.Devices.Count)}. " +
            $"Not placed: {report.Unplaced.Count} passage{S(report.Unplaced.Count)} (below).");
        md.AppendLine();
        md.AppendLine("The draft decides nothing until every criterion is mapped to facts and `status: draft` is removed;");
        md.AppendLine("`coverage policy validate DIR` lists what is still missing.");
        md.AppendLine();
        md.AppendLine("## Statements and their criteria");
        md.AppendLine();
        foreach (var version in draft.Versions.Where(v => v.Statements.Count > 0))
            foreach (var statement in version.Statements)
            {
                md.AppendLine($"- `{statement.Id}` ({statement.Line.Where}, version {Yaml.Date(version.Effective.Value)}): {statement.Determination}, \"{statement.Section}\"");
                foreach (var criterion in statement.Criteria)
                    md.AppendLine(CultureInfo.InvariantCulture, $"  - unmapped criterion `{criterion.Id}` ({criterion.Line.Where}): {criterion.Text}");
            }
        md.AppendLine();
        md.AppendLine("## Codes");
        md.AppendLine();
        foreach (var code in draft.Codes)
        {
            var of = DraftWriter.StatementsOf(code, draft);
            md.AppendLine($"- {code.System} {code.Code} ({code.Line.Where}): {code.Description}" +
                (code.Group is { } g ? $"; listed as \"{g.Value}\"" : "") + (of.Count > 0 ? $" → {string.Join(", ", of)}" : "") +
                (code.Annotation is { } a ? $" [{a}]" : ""));
        }
        foreach (var indication in draft.Indications)
            md.AppendLine(CultureInfo.InvariantCulture, $"- ICD-10-CM {string.Join(", ", indication.Diagnoses)} ({indication.Line.Where}): {indication.Name}");
        foreach (var listing in draft.CodeListings)
            md.AppendLine($"- {listing.System} {listing.Codes} ({listing.Line.Where}): {listing.Description}" +
                (listing.Group is { } g ? $"; listed as \"{g.Value}\"" : "") + $" — kept verbatim, not in the draft ({Why(listing)})");
        md.AppendLine();
        md.AppendLine("## For the analyst");
        md.AppendLine();
        foreach (var note in report.Notes)
            md.AppendLine(CultureInfo.InvariantCulture, $"- {note.Item}{(note.Line is { } l ? $" ({l.Where})" : "")}: {note.Message}");
        md.AppendLine();
        md.AppendLine("## Not placed");
        md.AppendLine();
        md.AppendLine("Text no part of the draft holds, by section (background and evidence are not imported).");
        md.AppendLine();
        foreach (var text in report.Unplaced)
            md.AppendLine(CultureInfo.InvariantCulture, $"- {Lines(text)} [{text.Section}]: {Excerpt(text.Text)}");
        return md.ToString();
    }

    private static string Why(DraftCodeListing listing) => listing.Reason == "range"
        ? "a range is not expanded"
        : "the catalogue lists CPT and HCPCS procedure codes";

    public static string Json(DraftPolicy draft, string sha256)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("policy", draft.Number.Value);
            json.WriteString("source", draft.SourceFile);
            json.WriteString("sha256", sha256);
            json.WriteStartObject("front");
            Item(json, "number", draft.Number.Value, draft.Number.Line);
            if (draft.Title is { } title) Item(json, "title", title.Value, title.Line);
            if (draft.Publisher is { } publisher) Item(json, "publisher", publisher.Value, publisher.Line);
            if (draft.EffectiveDate is { } effective) Item(json, "effectiveDate", Yaml.Date(effective.Value), effective.Line);
            if (draft.NextReviewDate is { } next) Item(json, "nextReviewDate", Yaml.Date(next.Value), next.Line);
            json.WriteEndObject();
            json.WriteStartArray("versions");
            foreach (var version in draft.Versions)
            {
                json.WriteStartObject();
                json.WriteString("effective", Yaml.Date(version.Effective.Value));
                Where(json, version.Effective.Line);
                if (version.ReviewType is { } type) json.WriteString("reviewType", type);
                if (version.Changes is { } changes) json.WriteString("changes", changes);
                json.WriteBoolean("statementsFromTheDocument", version.IsCurrent);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("statements");
            foreach (var version in draft.Versions)
                foreach (var statement in version.Statements)
                {
                    json.WriteStartObject();
                    json.WriteString("id", statement.Id);
                    json.WriteString("version", Yaml.Date(version.Effective.Value));
                    Where(json, statement.Line);
                    json.WriteString("determination", statement.Determination);
                    json.WriteString("section", statement.Section);
                    json.WriteString("text", statement.Text);
                    json.WriteStartArray("criteria");
                    foreach (var criterion in statement.Criteria)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", criterion.Id);
                        Where(json, criterion.Line);
                        json.WriteString("text", criterion.Text);
                        json.WriteBoolean("mapped", false);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
            json.WriteEndArray();
            json.WriteStartArray("codes");
            foreach (var code in draft.Codes)
            {
                json.WriteStartObject();
                json.WriteString("code", code.Code);
                json.WriteString("system", code.System);
                Where(json, code.Line);
                json.WriteString("description", code.Description);
                if (code.Group is { } group) json.WriteString("listedAs", group.Value);
                if (code.Heading is { } heading) json.WriteString("heading", heading.Value);
                if (code.Annotation is { } annotation) json.WriteString("annotation", annotation);
                json.WriteStartArray("statements");
                foreach (var id in DraftWriter.StatementsOf(code, draft)) json.WriteStringValue(id);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("codesNotWritten");
            foreach (var listing in draft.CodeListings)
            {
                json.WriteStartObject();
                json.WriteString("codes", listing.Codes);
                json.WriteString("system", listing.System);
                Where(json, listing.Line);
                json.WriteString("description", listing.Description);
                if (listing.Group is { } group) json.WriteString("listedAs", group.Value);
                json.WriteString("reason", listing.Reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("diagnoses");
            foreach (var indication in draft.Indications)
            {
                json.WriteStartObject();
                json.WriteString("id", indication.Id);
                Where(json, indication.Line);
                json.WriteString("name", indication.Name);
                json.WriteStartArray("codes");
                foreach (var code in indication.Diagnoses) json.WriteStringValue(code);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("references");
            foreach (var reference in draft.References)
            {
                json.WriteStartObject();
                json.WriteNumber("number", reference.Number);
                Where(json, reference.Line);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("devices");
            foreach (var device in draft.Devices)
            {
                json.WriteStartObject();
                json.WriteString("id", device.Id);
                Where(json, device.Line);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("notes");
            foreach (var note in draft.Report.Notes)
            {
                json.WriteStartObject();
                json.WriteString("item", note.Item);
                if (note.Line is { } line) Where(json, line);
                json.WriteString("message", note.Message);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("unplaced");
            foreach (var text in draft.Report.Unplaced)
            {
                json.WriteStartObject();
                Where(json, text.Line);
                json.WriteNumber("lastLine", text.LastLine);
                json.WriteString("section", text.Section);
                json.WriteString("text", text.Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Item(Utf8JsonWriter json, string name, string value, SourceLine line)
    {
        json.WriteStartObject(name);
        json.WriteString("value", value);
        Where(json, line);
        json.WriteEndObject();
    }

    private static void Where(Utf8JsonWriter json, SourceLine line)
    {
        json.WriteNumber("line", line.Number);
        if (line.Page is { } page) json.WriteNumber("page", page);
    }

    private static string Lines(UnplacedText text) =>
        (text.Line.Page is { } page ? $"page {page}, " : "") + (text.LastLine == text.Line.Number ? $"line {text.Line.Number}" : $"lines {text.Line.Number}–{text.LastLine}");

    private static string Excerpt(string text) => text.Length <= 160 ? text : text[..157] + "…";

    private static string S(int n) => n == 1 ? "" : "s";
}
