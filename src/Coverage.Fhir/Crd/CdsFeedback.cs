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
    private static readonly Regex Instant = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// The feedback of a call (<c>{"feedback": [ … ]}</c>, one entry or more), or null with what is wrong, named by its
    /// path: a card that is not a uuid, an outcome other than accepted or overridden, accepted suggestions on an override
    /// or an override reason on an acceptance (cds-fb-1, cds-fb-2), an override reason with neither reason nor comment
    /// (cds-fb-3), a timestamp that is not an instant.
    /// </summary>
    public static IReadOnlyList<CdsFeedback>? Read(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object) return NoFeedback("The feedback must be a JSON object.", out error);
        if (!root.TryGetProperty("feedback", out var entries) || entries.ValueKind != JsonValueKind.Array)
            return NoFeedback("feedback: required (an array of Feedback entries)", out error);
        var count = entries.GetArrayLength();
        if (count == 0) return NoFeedback("feedback: at least one entry", out error);
        if (count > MaxEntries) return NoFeedback($"feedback: at most {MaxEntries} entries in one call ({count} sent)", out error);
        var read = new List<CdsFeedback>(count);
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var entryRead = Entry(entry, $"feedback[{index++}]", out error);
            if (entryRead is null) return null;
            read.Add(entryRead);
        }
        return read;
    }

    private static CdsFeedback? Entry(JsonElement entry, string path, out string? error)
    {
        error = null;
        if (entry.ValueKind != JsonValueKind.Object) return NoEntry($"{path}: must be an object", out error);
        var card = Text(entry, "card");
        if (card is null) return NoEntry($"{path}.card: required (the card's uuid)", out error);
        if (!Guid.TryParseExact(card, "D", out var cardId)) return NoEntry($"{path}.card: '{Bounded.Text(card, MaxShown)}' is not the uuid of a card", out error);
        var outcome = Text(entry, "outcome");
        if (outcome is not ("accepted" or "overridden"))
            return NoEntry($"{path}.outcome: {(outcome is null ? "required" : $"'{Bounded.Text(outcome, MaxShown)}' is not accepted or overridden")}", out error);
        var timestamp = Text(entry, "outcomeTimestamp");
        if (timestamp is null) return NoEntry($"{path}.outcomeTimestamp: required (when the user acted)", out error);
        if (!Instant.IsMatch(timestamp) || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return NoEntry($"{path}.outcomeTimestamp: '{Bounded.Text(timestamp, MaxShown)}' is not an instant (e.g. 2026-12-05T10:15:00Z)", out error);

        List<string> suggestions = [];
        if (entry.TryGetProperty("acceptedSuggestions", out var accepted))
        {
            if (outcome != "accepted") return NoEntry($"{path}.acceptedSuggestions: only with the outcome accepted (cds-fb-1)", out error);
            if (accepted.ValueKind != JsonValueKind.Array) return NoEntry($"{path}.acceptedSuggestions: must be an array", out error);
            var n = 0;
            foreach (var suggestion in accepted.EnumerateArray())
            {
                var id = suggestion.ValueKind == JsonValueKind.Object ? Text(suggestion, "id") : null;
                if (id is null || id.Length > Identifiers.MaxLength || !Identifiers.IsPrintableAscii(id)) return NoEntry($"{path}.acceptedSuggestions[{n}].id: required (the suggestion's id: printable ASCII, at most {Identifiers.MaxLength} characters)", out error);
                suggestions.Add(id);
                n++;
            }
        }

        CdsOverrideReason? reason = null;
        if (entry.TryGetProperty("overrideReason", out var overridden))
        {
            if (outcome != "overridden") return NoEntry($"{path}.overrideReason: only with the outcome overridden (cds-fb-2)", out error);
            if (overridden.ValueKind != JsonValueKind.Object) return NoEntry($"{path}.overrideReason: must be an object", out error);
            string? system = null, code = null, display = null;
            if (overridden.TryGetProperty("reason", out var coding))
            {
                if (coding.ValueKind != JsonValueKind.Object) return NoEntry($"{path}.overrideReason.reason: must be a Coding", out error);
                (system, code, display) = (Text(coding, "system"), Text(coding, "code"), Text(coding, "display"));
                if (system is null || code is null) return NoEntry($"{path}.overrideReason.reason: system and code required", out error);
            }
            var comment = Text(overridden, "userComment");
            if (code is null && comment is null) return NoEntry($"{path}.overrideReason: a reason or a userComment (cds-fb-3)", out error);
            if (comment is { Length: > MaxComment }) return NoEntry($"{path}.overrideReason.userComment: at most {MaxComment} characters", out error);
            reason = new CdsOverrideReason(system, code, display, comment);
        }
        return new CdsFeedback(cardId, outcome, suggestions, reason, at);
    }

    /// <summary>What the audit keeps of a call's feedback: per entry the card, the outcome, when, the suggestions taken, the reason and comment.</summary>
    public static string AuditDetail(IReadOnlyList<CdsFeedback> feedback) => string.Join(" / ", feedback.Select(f =>
        $"card {f.Card}: {f.Outcome} at {f.OutcomeTimestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
        + (f.AcceptedSuggestions.Count > 0 ? $"; suggestions {string.Join(", ", f.AcceptedSuggestions)}" : "")
        + (f.OverrideReason is { Code: not null } r ? $"; reason {r.System}|{r.Code}{(r.Display is null ? "" : $" ({r.Display})")}" : "")
        + (f.OverrideReason?.UserComment is { } comment ? $"; comment \"{comment}\"" : "")));

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static IReadOnlyList<CdsFeedback>? NoFeedback(string message, out string? error)
    {
        error = message;
        return null;
    }

    private static CdsFeedback? NoEntry(string message, out string? error)
    {
        error = message;
        return null;
    }
}
