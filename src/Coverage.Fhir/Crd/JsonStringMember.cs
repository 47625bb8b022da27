using System.Text.Json;

namespace Coverage.Fhir.Crd;

/// <summary>
/// A member of a CDS Hooks JSON object that must be a string when present (CDS Hooks 2.0 types each member): JSON null is
/// absent, and another type is refused, never read as absent — the one reading of such a member for the hook request
/// (<see cref="CdsHookRequest"/>) and its feedback (<see cref="CdsFeedback"/>).
/// </summary>
internal static class JsonStringMember
{
    /// <summary>
    /// True with the member's value (null when absent or JSON null); false, with "must be a string, not …" naming what it
    /// is instead, when it is another JSON type.
    /// </summary>
    public static bool TryRead(JsonElement parent, string name, out string? value, out string? problem)
    {
        (value, problem) = (null, null);
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind != JsonValueKind.String)
        {
            problem = $"must be a string, not {Kind(element.ValueKind)}";
            return false;
        }
        value = element.GetString();
        return true;
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString(),
    };
}
