namespace Coverage.Engine.Validation;

/// <summary>
/// The one rule for control characters in a caller's text: NUL and the other C0 controls, DEL and the C1 controls
/// (<see cref="char.IsControl(char)"/>) are refused in every value a caller sends — an id, a code, a search value, a
/// name — and prose (a rationale, a reason, a summary, what is needed) keeps only tab, line feed and carriage return.
/// A control character shows as nothing or moves the cursor when the text is displayed, logged or printed in a notice,
/// and PostgreSQL refuses NUL in text outright (SQLSTATE 22021), so such a value is the caller's error, said naming
/// its field with <see cref="Message"/>.
/// </summary>
public static class ControlCharacters
{
    /// <summary>What an error says of a value that holds one.</summary>
    public const string Message = "must not contain control characters";

    /// <summary>Whether <paramref name="text"/> holds a control character; tab, line feed and carriage return only count when <paramref name="prose"/> is false.</summary>
    public static bool In(string? text, bool prose = false) => At(text, prose) >= 0;

    /// <summary>The index of the first control character of <paramref name="text"/> (tab and line breaks pass in prose), or -1.</summary>
    public static int At(string? text, bool prose = false)
    {
        if (text is null) return -1;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (char.IsControl(ch) && !(prose && ch is '\t' or '\r' or '\n')) return i;
        }
        return -1;
    }
}
