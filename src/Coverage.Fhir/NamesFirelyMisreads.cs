using System.Collections.Frozen;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>
/// The names Firely's reader gets wrong, found before it reads (one pass over the bytes, only for what
/// <see cref="PocoJsonReader"/> handed back):
/// <list type="bullet">
/// <item>a property named "" — Firely's reader, validating or not, looks at a name's first character and throws
/// <see cref="IndexOutOfRangeException"/> (HostileInputTests found it);</item>
/// <item>a <c>resourceType</c> naming a resource in the wrong case (<c>"bundle"</c>) — FHIR's names are case-sensitive,
/// but Firely's reader finds a resource's class by its name in any case and reads the resource as if it were well named
/// (docs/decisions.md, "Session 31").</item>
/// </list>
/// Either is the caller's error, said with where it is.
/// </summary>
internal static class NamesFirelyMisreads
{
    /// <summary>Every R4 resource type's name, by itself in any case.</summary>
    private static readonly FrozenDictionary<string, string> ResourceNamesInAnyCase =
        ModelInfo.SupportedResources.ToFrozenDictionary(name => name, name => name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The first such name in <paramref name="utf8Json"/>, at any depth (a Bundle's entries, contained resources), as a
    /// problem to report; null when there is none, or when the bytes are not JSON (the read that follows says where).
    /// </summary>
    public static OperationOutcome? Find(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var at = reader.TokenStartIndex;
                if (reader.ValueSpan.IsEmpty)
                    return Outcomes.Invalid($"Not a FHIR resource: a property name is empty (at byte {at}); every FHIR JSON property names an element.");
                if (!reader.ValueTextEquals("resourceType"u8) || !reader.Read() || reader.TokenType != JsonTokenType.String) continue;
                var value = reader.GetString()!;
                if (ResourceNamesInAnyCase.TryGetValue(value, out var name) && !string.Equals(name, value, StringComparison.Ordinal))
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
