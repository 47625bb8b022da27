using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Server.Workbench;

/// <summary>
/// One value the case holds, with where it came from, as a reviewer weighs it: the question it answered (when a
/// questionnaire asked it), its DTR information-origin (auto: taken from the record by the DTR client; override: the
/// record's value changed by the user; manual: typed by the user; unstated: the sender did not say), who supplied it
/// and when. Read from the case's information history — the REST information endpoint and PAS $submit keep the same
/// document — so the page shows what was sent, not what anyone re-types.
/// </summary>
/// <param name="Field">The fact's name, or <c>member.birthDate</c> / <c>member.sex</c>, or <c>diagnoses.&lt;code&gt;</c>.</param>
/// <param name="FromRequest">The value came with the request itself and no addition of information names it.</param>
public sealed record FactProvenance(
    string Field, string Label, string Value, string? Question, string? Questionnaire, string Origin,
    string SuppliedBy, DateTime At, bool FromRequest)
{
    /// <summary>The DTR 2.0.1 information-origin codes, in words a reviewer reads (never by code alone).</summary>
    public static string OriginWords(string origin) => origin switch
    {
        "auto" => "auto — taken from the EHR record",
        "override" => "override — the record's value changed by the user",
        "manual" => "manual — entered by the user",
        "unstated" => "unstated — the sender did not say",
        _ => origin,
    };

    /// <summary>
    /// Every clinical fact the case's request holds, and the member's birth date and sex and each diagnosis when an
    /// addition supplied them, each with the latest addition that named it (a PAS claim update may state a fact again); a value no
    /// addition names came with the request, from its submitter, when the case was received.
    /// </summary>
    public static IReadOnlyList<FactProvenance> Of(CaseDetails details, IReadOnlyList<InformationView> history)
    {
        var additions = history.Select(Addition.Read).ToList();
        var facts = details.Catalogue.Facts;
        var rows = new List<FactProvenance>();
        foreach (var (name, value) in details.Request.Clinical.All)
        {
            var (label, text) = CaseDetails.FactParts(facts.Find(name), name, value);
            rows.Add(Row(name, label, text, additions.LastOrDefault(a => a.Gives(name)), details));
        }
        foreach (var (field, label, value) in Member(details))
            if (additions.LastOrDefault(a => a.Gives(field)) is { } addition)
                rows.Add(Row(field, label, value, addition, details));
        // A diagnosis an addition gave (a DTR diagnoses question, or the REST endpoint's "diagnoses"): what the addition
        // says of it is kept under "diagnoses.<code as it wrote it>".
        foreach (var diagnosis in details.Request.Diagnoses)
            if (additions.LastOrDefault(a => a.Diagnosis(diagnosis) is not null) is { } addition)
                rows.Add(Row($"{DiagnosisIn.FactName}.{addition.Diagnosis(diagnosis)}", "Diagnosis (ICD-10-CM)", CodeFormats.DisplayIcd10(diagnosis), addition, details));
        return rows;
    }

    private static IEnumerable<(string Field, string Label, string Value)> Member(CaseDetails details)
    {
        if (details.Request.Member.BirthDate is { } birth) yield return (FactsAsked.BirthDateFact, "Birth date", Words.Date(birth));
        if (details.Request.Member.Sex is { } sex) yield return ("member.sex", "Sex", sex);
    }

    private static FactProvenance Row(string field, string label, string value, Addition? addition, CaseDetails details) => addition is null
        ? new(field, label, value, null, null, "unstated", details.Case.SubmittedBy, details.Case.ReceivedAt, FromRequest: true)
        : new(field, label, value, addition.Question(field), addition.Questionnaire, addition.Origin(field), addition.Sender, addition.At, FromRequest: false);

    /// <summary>One addition of the history, read once: the fields it gave and what it said of them.</summary>
    private sealed record Addition(DateTime At, string Sender, JsonElement Information)
    {
        public static Addition Read(InformationView view)
        {
            using var document = JsonDocument.Parse(view.InformationJson);
            var sender = view.Actor + (view.ActorRole is { } role ? $" ({role})" : "") + (view.ActorClient is null || view.ActorClient == view.Actor ? "" : $", through {view.ActorClient}");
            return new(view.At, sender, document.RootElement.Clone());
        }

        public bool Gives(string field) => field.StartsWith("member.", StringComparison.Ordinal)
            ? Property("member", field["member.".Length..]) is not null
            : Property("clinical", field) is not null;

        /// <summary>The diagnosis as this addition wrote it (C79.51, c7951…), when it gave <paramref name="normalised"/>.</summary>
        public string? Diagnosis(string normalised) =>
            Information.TryGetProperty(DiagnosisIn.FactName, out var codes) && codes.ValueKind == JsonValueKind.Array
                ? codes.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!)
                    .FirstOrDefault(c => CodeFormats.NormaliseIcd10(c) == normalised)
                : null;

        public string Origin(string field) => Property("informationOrigin", field) is { ValueKind: JsonValueKind.String } origin ? origin.GetString()! : "unstated";

        public string? Question(string field) => Property("questions", field) is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;

        public string? Questionnaire => Information.TryGetProperty("questionnaire", out var canonical) && canonical.ValueKind == JsonValueKind.String ? canonical.GetString() : null;

        private JsonElement? Property(string group, string name) =>
            Information.TryGetProperty(group, out var values) && values.ValueKind == JsonValueKind.Object && values.TryGetProperty(name, out var value) ? value : null;
    }
}
