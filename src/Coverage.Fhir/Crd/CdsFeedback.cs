using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coverage.Engine.Text;
using Coverage.Engine.Validation;

namespace Coverage.Fhir.Crd;

/// <summary>An override reason (CDS Hooks 2.0 OverrideReason): the coding the user picked, their comment, or both.</summary>
public sealed record CdsOverrideReason(string? System, string? Code, string? Display, string? UserComment);

/// <summary>
/// One CDS Hooks 2.0 Feedback entry: what the user did with one card — accepted it (with the suggestions taken) or
/// overrode it (with a reason) — and when.
/// </summary>
public sealed record CdsFeedback(Guid Card, string Outcome, IReadOnlyList<string> AcceptedSuggestions, CdsOverrideReason? OverrideReason, DateTimeOffset OutcomeTimestamp)
{
    /// <summary>The most entries one call may carry: a user acts on a handful of cards at a time.</summary>
    public const int MaxEntries = 100;

    /// <summary>The most of a value the client sent that an error repeats.</summary>
    private const int MaxShown = 64;

    /// <summary>The longest user comment kept.</summary>
    public const int MaxComment = 1_000;

    /// <summary>An instant: a date, a time to the second (fractions allowed) and its offset from UTC (FHIR instant).</summary>
    private static readonly Regex Instant = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The most suggestions one entry may say were accepted: a card carries a handful.</summary>
    public const int MaxSuggestions = 100;

    /// <summary>The longest override reason's system (a URI) and display kept.</summary>
    public const int MaxReasonText = 1_000;

    /// <summary>
    /// The feedback of a call (<c>{"feedback": [ … ]}</c>, one entry or more), or null with what is wrong, named by its
    /// path (<paramref name="expression"/>): a card that is not a uuid, an outcome other than accepted or overridden,
    /// accepted suggestions on an override or an override reason on an acceptance (cds-fb-1, cds-fb-2), an override
    /// reason with neither reason nor comment (cds-fb-3), a timestamp that is not an instant, a member that is not a
    /// string, and text the audit could not keep as given: a control character (<see cref="ControlCharacters"/>; the
    /// comment keeps tab and line breaks) or more than its bound.
    /// </summary>
    public static IReadOnlyList<CdsFeedback>? Read(JsonElement root, out string? error, out string? expression)
    {
        (error, expression) = (null, null);
        if (root.ValueKind != JsonValueKind.Object) return Refuse("The feedback must be a JSON object.", null, out error, out expression);
        if (!root.TryGetProperty("feedback", out var entries) || entries.ValueKind != JsonValueKind.Array)
            return Refuse("feedback: required (an array of Feedback entries)", "feedback", out error, out expression);
        var count = entries.GetArrayLength();
        if (count == 0) return Refuse("feedback: at least one entry", "feedback", out error, out expression);
        if (count > MaxEntries) return Refuse($"feedback: at most {MaxEntries} entries in one call ({count} sent)", "feedback", out error, out expression);
        var read = new List<CdsFeedback>(count);
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var path = $"feedback[{index++}]";
            var entryRead = Entry(entry, path, out var problem);
            if (entryRead is null) return Refuse($"{problem!.Value.Path}: {problem.Value.Message}", problem.Value.Path, out error, out expression);
            read.Add(entryRead);
        }
        return read;
    }

    private readonly record struct Problem(string Path, string Message);

    private static CdsFeedback? Entry(JsonElement entry, string path, out Problem? problem)
    {
        problem = null;
        if (entry.ValueKind != JsonValueKind.Object) return Fail(path, "must be an object", out problem);
        if (!Text(entry, "card", path, MaxShown, prose: false, out var card, out problem)) return null;
        if (card is null) return Fail($"{path}.card", "required (the card's uuid)", out problem);
        if (!Guid.TryParseExact(card, "D", out var cardId)) return Fail($"{path}.card", $"'{Bounded.Text(card, MaxShown)}' is not the uuid of a card", out problem);
        if (!Text(entry, "outcome", path, MaxShown, prose: false, out var outcome, out problem)) return null;
        if (outcome is not ("accepted" or "overridden"))
            return Fail($"{path}.outcome", outcome is null ? "required" : $"'{Bounded.Text(outcome, MaxShown)}' is not accepted or overridden", out problem);
        if (!Text(entry, "outcomeTimestamp", path, MaxShown, prose: false, out var timestamp, out problem)) return null;
        if (timestamp is null) return Fail($"{path}.outcomeTimestamp", "required (when the user acted)", out problem);
        if (!Instant.IsMatch(timestamp) || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return Fail($"{path}.outcomeTimestamp", $"'{Bounded.Text(timestamp, MaxShown)}' is not an instant (e.g. 2026-12-05T10:15:00Z)", out problem);

        List<string> suggestions = [];
        if (entry.TryGetProperty("acceptedSuggestions", out var accepted))
        {
            if (outcome != "accepted") return Fail($"{path}.acceptedSuggestions", "only with the outcome accepted (cds-fb-1)", out problem);
            if (accepted.ValueKind != JsonValueKind.Array) return Fail($"{path}.acceptedSuggestions", "must be an array", out problem);
            if (accepted.GetArrayLength() > MaxSuggestions) return Fail($"{path}.acceptedSuggestions", $"at most {MaxSuggestions} suggestions ({accepted.GetArrayLength()} sent)", out problem);
            var n = 0;
            foreach (var suggestion in accepted.EnumerateArray())
            {
                var id = suggestion.ValueKind == JsonValueKind.Object && suggestion.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (id is not { Length: > 0 } || id.Length > Identifiers.MaxLength || !Identifiers.IsPrintableAscii(id))
                    return Fail($"{path}.acceptedSuggestions[{n}].id", $"required (the suggestion's id: printable ASCII, at most {Identifiers.MaxLength} characters)", out problem);
                suggestions.Add(id);
                n++;
            }
        }

        CdsOverrideReason? reason = null;
        if (entry.TryGetProperty("overrideReason", out var overridden))
        {
            var reasonPath = $"{path}.overrideReason";
            if (outcome != "overridden") return Fail(reasonPath, "only with the outcome overridden (cds-fb-2)", out problem);
            if (overridden.ValueKind != JsonValueKind.Object) return Fail(reasonPath, "must be an object", out problem);
            string? system = null, code = null, display = null;
            if (overridden.TryGetProperty("reason", out var coding))
            {
                var codingPath = $"{reasonPath}.reason";
                if (coding.ValueKind != JsonValueKind.Object) return Fail(codingPath, "must be a Coding", out problem);
                if (!Text(coding, "system", codingPath, MaxReasonText, prose: false, out system, out problem)
                    || !Text(coding, "code", codingPath, Identifiers.MaxLength, prose: false, out code, out problem)
                    || !Text(coding, "display", codingPath, MaxReasonText, prose: false, out display, out problem)) return null;
                if (system is null || code is null) return Fail(codingPath, "system and code required", out problem);
            }
            if (!Text(overridden, "userComment", reasonPath, MaxComment, prose: true, out var comment, out problem)) return null;
            if (code is null && comment is null) return Fail(reasonPath, "a reason or a userComment (cds-fb-3)", out problem);
            reason = new CdsOverrideReason(system, code, display, comment);
        }
        return new CdsFeedback(cardId, outcome, suggestions, reason, at);
    }

    /// <summary>
    /// What the audit keeps of a call's feedback: per entry the card, the outcome, when, the suggestions taken, the reason
    /// and comment. The words the user or their system chose are written as JSON string literals, so the audit keeps them
    /// exactly — a comment's tab and line breaks as <c>\t</c> and <c>\n</c> (not the <c>?</c> an audited text's control
    /// characters become), a quote in it as <c>\"</c> — and an auditor can tell where each ends.
    /// </summary>
    public static string AuditDetail(IReadOnlyList<CdsFeedback> feedback) => string.Join(" / ", feedback.Select(f =>
        $"card {f.Card}: {f.Outcome} at {f.OutcomeTimestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
        + (f.AcceptedSuggestions.Count > 0 ? $"; suggestions {string.Join(", ", f.AcceptedSuggestions.Select(Literal))}" : "")
        + (f.OverrideReason is { Code: not null } r ? $"; reason {Literal(r.System!)}|{Literal(r.Code)}{(r.Display is null ? "" : $" ({Literal(r.Display)})")}" : "")
        + (f.OverrideReason?.UserComment is { } comment ? $"; comment {Literal(comment)}" : "")));

    /// <summary>
    /// A JSON string literal of <paramref name="text"/>: quoted, with its quotes, backslashes and control characters
    /// escaped; any other character (an accented letter, a non-Latin script) as written.
    /// </summary>
    private static string Literal(string text) => JsonSerializer.Serialize(text, LiteralOptions);

    private static readonly JsonSerializerOptions LiteralOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The member <paramref name="name"/> of <paramref name="parent"/>: null when absent or empty, else a string (another
    /// JSON type is refused, <see cref="JsonStringMember"/>), at most <paramref name="max"/> characters and free of control characters (prose keeps tab
    /// and line breaks). False with the problem when it is not.
    /// </summary>
    private static bool Text(JsonElement parent, string name, string path, int max, bool prose, out string? text, out Problem? problem)
    {
        (text, problem) = (null, null);
        var wrong = !JsonStringMember.TryRead(parent, name, out var given, out var notAString) ? notAString
            : given is null ? null
            : given.Length > max ? $"at most {max} characters"
            : ControlCharacters.In(given, prose) ? ControlCharacters.Message
            : null;
        if (wrong is not null)
        {
            problem = new Problem($"{path}.{name}", wrong);
            return false;
        }
        text = given is { Length: > 0 } ? given : null;
        return true;
    }

    private static CdsFeedback? Fail(string path, string message, out Problem? problem)
    {
        problem = new Problem(path, message);
        return null;
    }

    private static IReadOnlyList<CdsFeedback>? Refuse(string message, string? path, out string? error, out string? expression)
    {
        (error, expression) = (message, path);
        return null;
    }
}
