using System.Text;

namespace Coverage.Import.Layout;

/// <summary>
/// Characters that typography or a PDF producer puts where the text means a plain one: no-break and other fixed-width
/// spaces, ligatures (ﬁ, ﬂ, ﬀ…), zero-width marks and byte-order marks. Read as the plain characters, so that the
/// parser finds "medically necessary" whether it was set with a no-break space or a ligature. Nothing else changes:
/// quotes, dashes and symbols stay as written.
/// </summary>
internal static class Typography
{
    public static string Plain(string line)
    {
        if (!NeedsWork(line)) return line;
        var text = new StringBuilder(line.Length);
        foreach (var c in line)
            switch (c)
            {
                case '\u00A0' or '\u2007' or '\u202F' or (>= '\u2000' and <= '\u200A') or '\u3000': text.Append(' '); break;
                case '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\f' or '\v': break;
                case '\uFB00': text.Append("ff"); break;
                case '\uFB01': text.Append("fi"); break;
                case '\uFB02': text.Append("fl"); break;
                case '\uFB03': text.Append("ffi"); break;
                case '\uFB04': text.Append("ffl"); break;
                case '\uFB05' or '\uFB06': text.Append("st"); break;
                default: text.Append(c); break;
            }
        return text.ToString();
    }

    private static bool NeedsWork(string line)
    {
        foreach (var c in line)
            if (c is '\u00A0' or '\u2007' or '\u202F' or (>= '\u2000' and <= '\u200D') or '\u2060' or '\u3000' or '\uFEFF' or '\f' or '\v'
                or (>= '\uFB00' and <= '\uFB06'))
                return true;
        return false;
    }
}
