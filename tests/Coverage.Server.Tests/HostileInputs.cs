using System.Text;

namespace Coverage.Server.Tests;

/// <summary>Deterministic generators of malformed input from a valid seed document.</summary>
public static class HostileInputs
{
    private static readonly string[] Oddities =
    [
        "\\ud800", "\\udfff", "\u202e", "\u200b", "\uffff", "\\u0000", "\u0000", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "💥", "é\u0301", "\r\n", "\"", "\\",
        "1e309", "-1e309", "99999999999999999999999999999", "0.0000000000000000000000000001", "-0", "NaN", "Infinity",
        "null", "true", "[]", "{}", "\"\"", "[[[[[[[[[[", "}}}}", "/*", "//",
    ];

    public static IEnumerable<byte[]> Mutations(string seedDocument, int seed, int count)
    {
        var random = new Random(seed);
        var bytes = Encoding.UTF8.GetBytes(seedDocument);
        yield return [];
        yield return Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000));
        yield return Encoding.UTF8.GetBytes(Nested(2000));
        yield return [0xff, 0xfe, 0x00, 0x7b];
        yield return Encoding.UTF8.GetBytes("{\"a\":" + new string('9', 100_000) + "}");
        for (var i = 5; i < count; i++)
        {
            switch (random.Next(7))
            {
                case 0: // truncated
                    yield return bytes[..random.Next(bytes.Length)];
                    break;
                case 1: // flipped bytes
                {
                    var copy = (byte[])bytes.Clone();
                    for (var j = 0; j < 1 + random.Next(8); j++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
                    yield return copy;
                    break;
                }
                case 2: // a value replaced by something odd
                {
                    var text = seedDocument;
                    var quote = FindValueStart(text, random);
                    var oddity = Oddities[random.Next(Oddities.Length)];
                    var replacement = oddity.StartsWith('\\') || oddity.Length <= 2 && !char.IsDigit(oddity[0]) ? "\"" + oddity + "\"" : oddity;
                    yield return Encoding.UTF8.GetBytes(text[..quote] + replacement + SkipValue(text, quote));
                    break;
                }
                case 3: // an odd character inside a string
                {
                    var text = seedDocument;
                    var at = text.IndexOf('"', random.Next(text.Length));
                    if (at < 0) at = 0;
                    yield return Encoding.UTF8.GetBytes(text[..(at + 1)] + Oddities[random.Next(13)] + text[(at + 1)..]);
                    break;
                }
                case 4: // a chunk duplicated or deleted
                {
                    var from = random.Next(bytes.Length);
                    var length = random.Next(1, Math.Min(200, bytes.Length - from) + 1);
                    yield return random.Next(2) == 0
                        ? [.. bytes[..from], .. bytes[from..(from + length)], .. bytes[from..]]
                        : [.. bytes[..from], .. bytes[(from + length)..]];
                    break;
                }
                case 5: // mistyped: the whole document as another JSON type
                    yield return Encoding.UTF8.GetBytes(Oddities[random.Next(Oddities.Length)]);
                    break;
                default: // deep nesting inside a field
                {
                    var text = seedDocument;
                    var quote = FindValueStart(text, random);
                    yield return Encoding.UTF8.GetBytes(text[..quote] + Nested(random.Next(10, 300)) + SkipValue(text, quote));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The document once per property name in it, with that name emptied (<c>"": …</c>): a name no schema has, which
    /// readers that look at a name's first character can trip on.
    /// </summary>
    public static IEnumerable<byte[]> EmptiedNames(string seedDocument)
    {
        var bytes = Encoding.UTF8.GetBytes(seedDocument);
        var starts = new List<(int Start, int Length)>();
        var reader = new System.Text.Json.Utf8JsonReader(bytes);
        while (reader.Read())
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                starts.Add(((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length));
        foreach (var (start, length) in starts) yield return [.. bytes[..start], .. bytes[(start + length)..]];
    }

    private static string Nested(int depth) => new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();

    /// <summary>The start of a value after a colon, chosen at random.</summary>
    private static int FindValueStart(string text, Random random)
    {
        var colon = text.IndexOf(':', random.Next(text.Length));
        if (colon < 0) colon = text.IndexOf(':', StringComparison.Ordinal);
        var at = colon + 1;
        while (at < text.Length && text[at] == ' ') at++;
        return at;
    }

    /// <summary>The text after the value starting at <paramref name="start"/> (a string, number, literal, or a bracketed value).</summary>
    private static string SkipValue(string text, int start)
    {
        if (start >= text.Length) return "";
        var c = text[start];
        if (c == '"')
        {
            var end = start + 1;
            while (end < text.Length && (text[end] != '"' || text[end - 1] == '\\')) end++;
            return end + 1 < text.Length ? text[(end + 1)..] : "";
        }
        if (c is '{' or '[')
        {
            var depth = 0;
            for (var i = start; i < text.Length; i++)
            {
                if (text[i] is '{' or '[') depth++;
                else if (text[i] is '}' or ']' && --depth == 0) return text[(i + 1)..];
            }
            return "";
        }
        var stop = text.IndexOfAny([',', '}', ']'], start);
        return stop < 0 ? "" : text[stop..];
    }
}
