using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>
/// FHIR's rule for its string types (R4 §2.24.0.1 "string": "Strings SHALL NOT contain Unicode character points below
/// 32, except for u0009 (horizontal tab), u000D (carriage return) and u000A (line feed)"), which Firely's reader does not
/// apply: a Claim identifier, a subscriberId or a Subscription filter holding NUL was read, and reached PostgreSQL (which
/// refuses NUL in text: SQLSTATE 22021). JSON holds such a character only escaped (\u0000…\u001F, \b, \f), so the
/// resource's bytes are looked at first — most hold no escape at all — and only a resource that holds one is walked, to
/// name the element. Values that are ids or keys are checked further where they are used (<see cref="ControlCharacters"/>).
/// </summary>
public static class FhirStrings
{
    /// <summary>The path of the first element whose value holds a control character FHIR forbids, or null.</summary>
    public static string? Forbidden(ReadOnlySpan<byte> utf8Json, Resource resource) =>
        HoldsForbiddenEscape(utf8Json) ? Find(resource, resource.TypeName) : null;

    /// <summary>Whether the JSON text escapes a C0 control character other than tab, line feed and carriage return.</summary>
    public static bool HoldsForbiddenEscape(ReadOnlySpan<byte> utf8Json)
    {
        var at = utf8Json.IndexOf((byte)'\\');
        while (at >= 0 && at + 1 < utf8Json.Length)
        {
            var escaped = utf8Json[at + 1];
            if (escaped is (byte)'b' or (byte)'f') return true;
            if (escaped == (byte)'u' && at + 5 < utf8Json.Length && utf8Json[at + 2] == (byte)'0' && utf8Json[at + 3] == (byte)'0'
                && utf8Json[at + 4] is (byte)'0' or (byte)'1')
            {
                var code = (HexValue(utf8Json[at + 4]) << 4) | HexValue(utf8Json[at + 5]);
                if (code is not (0x09 or 0x0A or 0x0D)) return true;
            }
            // Past the escape (an escaped backslash is two characters: its second does not start another).
            var next = utf8Json[(at + 2)..].IndexOf((byte)'\\');
            at = next < 0 ? -1 : at + 2 + next;
        }
        return false;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => 0x10, // not a hex digit: the reader refused it already
    };

    private static string? Find(Base node, string path)
    {
        if (node is PrimitiveType { JsonValue: string own } && ControlCharacters.In(own, prose: true)) return path;
        foreach (var (name, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case string when node is PrimitiveType:
                    break;
                case string text:
                    if (ControlCharacters.In(text, prose: true)) return $"{path}.{name}";
                    break;
                case Base child:
                    if (Find(child, $"{path}.{name}") is { } found) return found;
                    break;
                case IEnumerable<Base> children:
                    var i = 0;
                    foreach (var child in children)
                    {
                        if (Find(child, $"{path}.{name}[{i}]") is { } inList) return inList;
                        i++;
                    }
                    break;
            }
        }
        return null;
    }
}
