using System.Collections.Frozen;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>
/// A <c>resourceType</c> that names a FHIR resource in the wrong case (<c>"bundle"</c>, <c>"claim"</c>). FHIR's names are
/// case-sensitive, but Firely's reader finds a resource's class by its name in any case, with or without its validator,
/// and reads such a resource as if it were well named; <see cref="FhirJson"/> refuses it first, saying which name was
/// meant, so that a resource is read only as it was written (docs/decisions.md, "Session 31").
/// </summary>
internal static class MiscasedResourceType
{
    /// <summary>Every R4 resource type's name, by itself in any case.</summary>
    private static readonly FrozenDictionary<string, string> NamesInAnyCase =
        ModelInfo.SupportedResources.ToFrozenDictionary(name => name, name => name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The first <c>resourceType</c> in <paramref name="utf8Json"/> (at any depth: a Bundle's entries, contained
    /// resources) whose value is a resource's name in another case, as a problem to report; null when there is none, or
    /// when the bytes are not JSON (the read that follows says so).
    /// </summary>
    public static OperationOutcome? Find(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("resourceType"u8)) continue;
                var at = reader.TokenStartIndex;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String) continue;
                var value = reader.GetString()!;
                if (NamesInAnyCase.TryGetValue(value, out var name) && !string.Equals(name, value, StringComparison.Ordinal))
                    return Outcomes.Invalid(
                        $"resourceType '{value}' (at byte {at}) is not a FHIR resource type: resource type names are case-sensitive; the resource named so is '{name}'.",
                        "resourceType");
            }
        }
        catch (JsonException)
        {
            // Not JSON: the read that follows reports where.
        }
        return null;
    }
}
