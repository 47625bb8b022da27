using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Coverage.Engine.Validation;

namespace Coverage.Engine.Json;

/// <summary>
/// The check every JSON body and file passes before a parser reads it (the server's request bodies, the CLI's request
/// file): valid UTF-8, well-formed JSON, every string valid Unicode, no name given twice in one object. A text that
/// fails is refused naming why; one that passes reads exactly as written, never with a replacement character or a
/// name's second value silently taking the place of its first.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// Null when the body is well-formed JSON whose every string and name is valid Unicode; else the error, naming the
    /// text as <paramref name="what"/> ("the body" of a request to the server, "the request" of a file the CLI reads).
    /// (System.Text.Json checks strings only when they are read, so an invalid one would surface later as an exception.)
    /// </summary>
    public static InputError? Check(byte[] body, int maxDepth = 64, string what = "the body")
    {
        if (!Utf8.IsValid(body)) return new InputError("$", $"{what} is not valid UTF-8 text");
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        // The names seen in each open object (a name given twice is ambiguous, so it is refused): one set per depth,
        // reused by the next object at that depth. A name is kept as its UTF-8 bytes, unescaped: a slice of the body
        // itself unless it was written with escapes (rare), so no string is made per name. The sets are the thread's,
        // kept from one body to the next (emptied after each, so no body is held by them).
        var names = _names ?? [];
        _names = null;
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        if (depth == names.Count) names.Add(new HashSet<ReadOnlyMemory<byte>>(Utf8Names.Comparer));
                        else names[depth].Clear();
                        depth++;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        // Reading an escaped name checks it (a lone surrogate throws, as for any escaped string below).
                        var name = reader.ValueIsEscaped
                            ? Encoding.UTF8.GetBytes(reader.GetString()!)
                            : body.AsMemory((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        if (!names[depth - 1].Add(name)) return new InputError("$", $"the property '{Encoding.UTF8.GetString(name.Span)}' is given twice in one object");
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // An escape can spell an invalid code point (a lone surrogate); reading the string checks it. A
                        // string without escapes is its bytes, and the body's bytes are valid UTF-8 (checked above).
                        reader.GetString();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return new InputError("$", $"{what} is not valid JSON ({e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]})");
        }
        catch (InvalidOperationException)
        {
            return new InputError("$", $"{what} holds a string that is not valid Unicode (near byte {reader.TokenStartIndex})");
        }
        finally
        {
            Keep(names);
        }
        return null;
    }

    /// <summary>The sets of names of the thread's last body, empty, for its next (none while a check runs).</summary>
    [ThreadStatic] private static List<HashSet<ReadOnlyMemory<byte>>>? _names;

    /// <summary>The largest set kept for the next body: one grown by an object of many names is let go.</summary>
    private const int MaxKeptNames = 1024;

    private static void Keep(List<HashSet<ReadOnlyMemory<byte>>> names)
    {
        foreach (var set in names)
        {
            if (set.Count > MaxKeptNames) return;
            set.Clear();
        }
        _names = names;
    }

    /// <summary>JSON names compared as their UTF-8 bytes (hashed with the process's randomised seed, so a body cannot
    /// be built to make every name collide).</summary>
    private sealed class Utf8Names : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly Utf8Names Comparer = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> name)
        {
            var hash = new HashCode();
            hash.AddBytes(name.Span);
            return hash.ToHashCode();
        }
    }
}
