using System.Buffers;
using System.Globalization;
using System.Text;

namespace Coverage.Engine.Descriptions;

/// <summary>What a free-text description reads as (<see cref="DescriptionText.Read"/>).</summary>
/// <param name="Text">The description as plain text: ASCII letters and digits, with the description's punctuation and spaces.</param>
/// <param name="Changes">What reading it so changed, in words ("lookalike letters folded"); null when nothing did.</param>
/// <param name="Problem">
/// Why the description cannot be read as plain text, as a clause that follows "the description"
/// ("mixes scripts (Latin, Cyrillic)"); null when it can. <see cref="Text"/> is then not to be used.
/// </param>
internal sealed record DescriptionReading(string Text, string? Changes, string? Problem);

/// <summary>
/// Reads free text (a line's description, a policy's terms) as the plain text that policy terms are matched in,
/// so that what the engine reads is what a person reading the description sees. Characters that only change how
/// a letter is drawn are folded: compatibility forms and accents (<see cref="CompatibilityFolding"/>, Unicode
/// NFKD without nonspacing marks), lookalike letters of other scripts (<see cref="Confusables"/>, Unicode TR39);
/// invisible format characters (zero-width space and joiners, soft hyphen, direction marks) are removed.
/// Whatever is left must be plain text: ASCII, spaces and ordinary punctuation. A description that still holds
/// letters of another script, a bidirectional override that reorders what is displayed, a control, private-use or
/// unassigned character, or a symbol is not read at all (<see cref="DescriptionReading.Problem"/>): the engine
/// cannot tell what a reader would take it to say, so it must not decide on it.
/// </summary>
internal static class DescriptionText
{
    /// <summary>Printable ASCII, tab and line breaks: text that is plain already, the usual case, read as it is.</summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        "\t\n\r !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// Punctuation and the few symbols that clinical text copied from a word processor or a record holds, beyond
    /// ASCII (the compatibility folding already makes "…" "..." and "（" "("). They separate words, like ASCII
    /// punctuation. None is drawn like a letter: "¡", "¦" and "‖" are left out, as they could stand for i or l.
    /// </summary>
    private static readonly SearchValues<char> OrdinaryPunctuation = SearchValues.Create(
        "\u00AB\u00BB\u00A7\u00B6\u00B7\u00B0\u00B1\u00D7\u00F7\u00A9\u00AE\u00BF" + // « » § ¶ · ° ± × ÷ © ® ¿
        "\u2010\u2011\u2012\u2013\u2014\u2015" + // hyphens and dashes
        "\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F" + // quotation marks
        "\u2020\u2021\u2022\u2023\u2027\u2030\u2032\u2033\u2039\u203A\u2043" + // † ‡ • ‣ ‧ ‰ ′ ″ ‹ › ⁃
        "\u2212\u2248\u2264\u2265"); // − ≈ ≤ ≥

    /// <summary>Explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what is displayed.</summary>
    private static bool IsBidiControl(int c) => c is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069;

    /// <summary>True when <paramref name="text"/> is plain ASCII text already, which <see cref="Read"/> returns as it is.</summary>
    public static bool IsPlainAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(PlainAscii);

    /// <summary>The plain text <paramref name="text"/> reads as, what normalising it changed, or why it is not plain text.</summary>
    public static DescriptionReading Read(string text)
    {
        if (IsPlainAscii(text)) return new(text, null, null);
        var reader = new Reader(text.Length);
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out var rune, out var consumed) != OperationStatus.Done)
                reader.Refuse(span[0], "a lone surrogate, which is not valid Unicode");
            else if (!rune.IsAscii && CompatibilityFolding.TryFold(rune.Value, out var folded))
                reader.Folded(folded);
            else
                reader.Character(rune);
            span = span[consumed..];
        }
        return reader.Reading(text);
    }

    /// <summary>The reading of one description, character by character.</summary>
    private sealed class Reader(int length)
    {
        private readonly StringBuilder _text = new(length);
        private readonly List<string> _scripts = [];
        private bool _compatibility, _lookalikes, _invisible;
        private string? _bidi, _otherScript, _character;

        public void Folded(string folded)
        {
            _compatibility = true;
            foreach (var c in folded) Character(new Rune(c));
        }

        public void Character(Rune rune)
        {
            if (rune.IsAscii)
            {
                if (Rune.IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r')) Refuse(rune, "a control character");
                if (Rune.IsLetter(rune)) Written(Scripts.Latin);
                _text.Append((char)rune.Value);
                return;
            }
            if (rune.IsBmp && Confusables.TryFold((char)rune.Value, out var latin))
            {
                Written(Scripts.Of(rune.Value));
                _lookalikes = true;
                _text.Append(latin);
                return;
            }
            var category = Rune.GetUnicodeCategory(rune);
            switch (category)
            {
                case UnicodeCategory.NonSpacingMark: // an accent on the letter before it: "o" + U+0301 is "ó", read as "o"
                    _compatibility = true;
                    return;
                case UnicodeCategory.Format when IsBidiControl(rune.Value):
                    _bidi ??= Name(rune);
                    return;
                case UnicodeCategory.Format: // invisible: zero-width space and joiners, soft hyphen, direction marks
                    _invisible = true;
                    return;
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    _compatibility = true;
                    _text.Append(' ');
                    return;
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter:
                    var script = Scripts.Of(rune.Value);
                    if (script == Scripts.Other) script = $"{Scripts.Other} ({Name(rune)})";
                    Written(script);
                    if (script == Scripts.Latin) Refuse(rune, "a letter outside the plain Latin alphabet"); // æ, ß, small capitals
                    else _otherScript ??= script;
                    return;
                case UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber:
                    Refuse(rune, "a digit or number that is not an ASCII digit");
                    return;
                case UnicodeCategory.Control:
                    Refuse(rune, "a control character");
                    return;
                case UnicodeCategory.PrivateUse:
                    Refuse(rune, "a private-use character");
                    return;
                case UnicodeCategory.OtherNotAssigned:
                    Refuse(rune, "an unassigned code point");
                    return;
                case UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                    Refuse(rune, "a combining mark");
                    return;
                default: // punctuation and symbols
                    if (rune.IsBmp && OrdinaryPunctuation.Contains((char)rune.Value)) _text.Append((char)rune.Value);
                    else Refuse(rune, category is UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                        or UnicodeCategory.OtherSymbol ? "a symbol" : "punctuation that plain text does not use");
                    return;
            }
        }

        public void Refuse(Rune rune, string what) => _character ??= $"holds {what} ({Name(rune)})";

        public void Refuse(char c, string what) => _character ??= $"holds {what} (U+{(int)c:X4})";

        /// <summary>The script of a letter as it was written, before lookalikes were folded.</summary>
        private void Written(string script)
        {
            if (!_scripts.Contains(script)) _scripts.Add(script);
        }

        public DescriptionReading Reading(string original)
        {
            var text = _text.ToString();
            var problem = Problem();
            if (problem is not null) return new(original, null, problem);
            if (text == original) return new(original, null, null);
            var changes = new List<string>(3);
            if (_compatibility) changes.Add("compatibility forms and accents folded");
            if (_lookalikes) changes.Add("lookalike letters of other scripts folded to Latin");
            if (_invisible) changes.Add("invisible characters removed");
            return new(text, string.Join("; ", changes), null);
        }

        /// <summary>The first reason the text is not plain: a reordering first, then letters of other scripts, then any other character.</summary>
        private string? Problem()
        {
            if (_bidi is not null) return $"holds a bidirectional control character ({_bidi}) that can change the order in which it is displayed";
            if (_otherScript is not null)
            {
                // Latin first, then the other scripts in the order they were met.
                var scripts = _scripts.OrderBy(s => s == Scripts.Latin ? 0 : 1).ToList();
                if (scripts.Count > 1) return $"mixes scripts ({string.Join(", ", scripts)})";
                return _otherScript.StartsWith(Scripts.Other, StringComparison.Ordinal)
                    ? $"is written in {_otherScript}, not in Latin letters"
                    : $"is written in the {_otherScript} script, not in Latin letters";
            }
            return _character;
        }

        private static string Name(Rune rune) => $"U+{rune.Value:X4}";
    }
}
