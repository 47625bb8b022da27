using System.Text.Json;

namespace Coverage.Engine.Json;

/// <summary>How the contract's readers name what they found where something else was expected.</summary>
internal static class JsonKinds
{
    /// <summary>"an object", "a list", "a string", "a number", "a boolean", "null" or "nothing".</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
