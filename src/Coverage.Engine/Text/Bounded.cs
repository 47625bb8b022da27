using System.Globalization;
using System.Text;

namespace Coverage.Engine.Text;

/// <summary>
/// Text an outsider chose (a token's issuer, a query string), made fit for an audit row or a log line: at most a
/// fixed number of characters, with how many were cut said in the text, and no control characters (no forged
/// lines in a log). Whatever an attacker sends, what we keep of it has a fixed size. Shared by the server and the
/// command line, which prints catalogue problems through it as the server's impact page shows them.
/// </summary>
public static class Bounded
{
    public static string Text(string? value, int max)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var kept = value.Length <= max ? value : value[..max];
        var text = new StringBuilder(kept.Length + 32);
        foreach (var c in kept) text.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        if (value.Length > max) text.Append(CultureInfo.InvariantCulture, $"… ({value.Length - max} more characters)");
        return text.ToString();
    }

    /// <summary>A short value for a column of fixed width (no note of what was cut: the column cannot hold one).</summary>
    public static string? Column(string? value, int max) =>
        value is null ? null : Text(value.Length <= max ? value : value[..max], max);
}
