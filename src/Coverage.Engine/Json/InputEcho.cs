namespace Coverage.Engine.Json;

/// <summary>
/// What an error message may repeat of the caller's input: a short, printable prefix. An error names the
/// field and the reason; echoing a whole value would let a caller make the server write back (and log, and
/// store) as much text as it sends.
/// </summary>
public static class InputEcho
{
    public const int MaxLength = 64;

    /// <summary>The value cut to <see cref="MaxLength"/> characters, control and format characters shown as '?', with an ellipsis and the full length when cut.</summary>
    public static string Truncate(string? value, int maxLength = MaxLength)
    {
        if (value is null) return "";
        var cut = value.Length > maxLength;
        var kept = cut ? value[..maxLength] : value;
        var printable = string.Create(kept.Length, kept, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                span[i] = char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? '?' : c;
            }
        });
        return cut ? $"{printable}… ({value.Length} characters)" : printable;
    }
}
