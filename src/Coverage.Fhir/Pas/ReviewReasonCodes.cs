using System.Text.Json;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The payer's mapping from what a line's result says — its outcome, or a reason code (CARC/RARC) its determination
/// carries — to X12 278 Review Decision Reason Codes (external code list 886), which PAS binds (required) to
/// <c>reviewAction.reasonCode</c> of a not-certified (A3) or pended (A4) item. The list is licensed by X12 and is not in
/// this repository: the operator gives the payer's own mapping as a JSON file (<c>Pas:ReviewReasonCodesPath</c>;
/// docs/crd-pas.md "Review decision reason codes"). Without it, no item carries a reasonCode. Every rule whose action
/// and condition match adds its code, in the file's order, each code once.
/// </summary>
public sealed class ReviewReasonCodes
{
    public const string CodeSystem = "https://codesystem.x12.org/external/886";

    public static readonly ReviewReasonCodes None = new([]);

    private readonly IReadOnlyList<ReviewReasonRule> _rules;

    private ReviewReasonCodes(IReadOnlyList<ReviewReasonRule> rules) => _rules = rules;

    public int Count => _rules.Count;

    /// <summary>The 886 codes for an item answered <paramref name="action"/> (A3 or A4; none for any other).</summary>
    public IReadOnlyList<Coding> For(string action, PriorAuthorizationLine line)
    {
        if (_rules.Count == 0 || action is not ("A3" or "A4")) return [];
        var codes = new List<Coding>();
        foreach (var rule in _rules)
        {
            if (rule.Action != action || !rule.Matches(line) || codes.Any(c => c.Code == rule.Code)) continue;
            codes.Add(new Coding(CodeSystem, rule.Code, rule.Display));
        }
        return codes;
    }

    /// <summary>
    /// Reads the mapping file: <c>{"rules": [{"action": "A3", "outcome": "not-medically-necessary", "code": "…",
    /// "display": "…"}, {"action": "A4", "reasonCode": "RARC N350", "code": "…"}]}</c>. Each rule has an action (A3 or
    /// A4), exactly one condition — <c>outcome</c> (a line outcome as determinations write it) or <c>reasonCode</c>
    /// ("CARC 50", "RARC N350") — and the payer's 886 code. Null, with what is wrong and where, for an invalid file.
    /// </summary>
    public static ReviewReasonCodes? Read(string json, out string? problem)
    {
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            problem = $"not JSON ({e.Message})";
            return null;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
            {
                problem = "it must be an object with a \"rules\" array";
                return null;
            }
            var read = new List<ReviewReasonRule>();
            var index = 0;
            foreach (var rule in rules.EnumerateArray())
            {
                var where = $"rules[{index++}]";
                if (rule.ValueKind != JsonValueKind.Object) return Fail(out problem, $"{where} must be an object");
                var action = Text(rule, "action");
                if (action is not ("A3" or "A4")) return Fail(out problem, $"{where}.action must be A3 or A4 (the actions PAS gives a reason for)");
                var code = Text(rule, "code");
                if (string.IsNullOrWhiteSpace(code) || code.Length > 32 || code.Any(char.IsWhiteSpace)) return Fail(out problem, $"{where}.code must be the payer's 886 code (no spaces, at most 32 characters)");
                var outcomeText = Text(rule, "outcome");
                var reasonText = Text(rule, "reasonCode");
                if ((outcomeText is null) == (reasonText is null)) return Fail(out problem, $"{where} must have exactly one of outcome and reasonCode");
                LineOutcome? outcome = null;
                if (outcomeText is not null)
                {
                    outcome = Enum.GetValues<LineOutcome>().Cast<LineOutcome?>().FirstOrDefault(o => o!.Value.ToWire() == outcomeText);
                    if (outcome is null)
                        return Fail(out problem, $"{where}.outcome '{outcomeText}' is not a line outcome ({string.Join(", ", Enum.GetValues<LineOutcome>().Select(o => o.ToWire()))})");
                }
                ReasonCode? reason = null;
                if (reasonText is not null)
                {
                    var parts = reasonText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length != 2 || parts[0] is not ("CARC" or "RARC")) return Fail(out problem, $"{where}.reasonCode must be \"CARC <code>\" or \"RARC <code>\"");
                    reason = new ReasonCode(parts[0], parts[1], null);
                }
                read.Add(new ReviewReasonRule(action, outcome, reason, code, Text(rule, "display")));
            }
            return new ReviewReasonCodes(read);
        }
    }

    private static string? Text(JsonElement rule, string name) =>
        rule.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ReviewReasonCodes? Fail(out string? problem, string message)
    {
        problem = message;
        return null;
    }
}

/// <summary>One rule of <see cref="ReviewReasonCodes"/>: for items answered <see cref="Action"/>, a line with this outcome or reason code gets <see cref="Code"/>.</summary>
public sealed record ReviewReasonRule(string Action, LineOutcome? Outcome, ReasonCode? ReasonCode, string Code, string? Display)
{
    public bool Matches(PriorAuthorizationLine line) =>
        Outcome is { } outcome ? line.Outcome == outcome
        : line.Reason.ReasonCodes.Any(r => r.System == ReasonCode!.System && r.Code == ReasonCode.Code);
}
