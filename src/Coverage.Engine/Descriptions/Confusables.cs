using System.Collections.Frozen;

namespace Coverage.Engine.Descriptions;

/// <summary>
/// Letters of other scripts that are drawn like a Latin letter, and that letter: "сryoablation" with a Cyrillic
/// "с" reads as cryoablation to anyone who looks at it, so the engine reads it so too. The pairs are taken from
/// the Unicode confusables data (Unicode Technical Standard #39, confusables.txt), kept to the Cyrillic, Greek,
/// Armenian and Latin letters whose skeleton there is one Latin letter. Letters that look like both "I" and "l"
/// (Cyrillic І and Ӏ, Greek Ι) are left out on purpose: folding them either way could hide a word, and a
/// description that keeps one mixes scripts and is not read at all (<see cref="DescriptionText"/>).
/// Greek ε is the one addition: TR39 pairs it with ꞓ (c with bar), but in running text it reads as "e".
/// </summary>
internal static class Confusables
{
    private static readonly (char Lookalike, char Latin)[] Pairs =
    [
        // Cyrillic
        ('\u0430', 'a'), // а CYRILLIC SMALL LETTER A
        ('\u0435', 'e'), // е CYRILLIC SMALL LETTER IE
        ('\u043E', 'o'), // о CYRILLIC SMALL LETTER O
        ('\u0440', 'p'), // р CYRILLIC SMALL LETTER ER
        ('\u0441', 'c'), // с CYRILLIC SMALL LETTER ES
        ('\u0443', 'y'), // у CYRILLIC SMALL LETTER U
        ('\u0445', 'x'), // х CYRILLIC SMALL LETTER HA
        ('\u0455', 's'), // ѕ CYRILLIC SMALL LETTER DZE
        ('\u0456', 'i'), // і CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
        ('\u0458', 'j'), // ј CYRILLIC SMALL LETTER JE
        ('\u0475', 'v'), // ѵ CYRILLIC SMALL LETTER IZHITSA
        ('\u04BB', 'h'), // һ CYRILLIC SMALL LETTER SHHA
        ('\u04CF', 'i'), // ӏ CYRILLIC SMALL LETTER PALOCHKA
        ('\u0501', 'd'), // ԁ CYRILLIC SMALL LETTER KOMI DE
        ('\u051B', 'q'), // ԛ CYRILLIC SMALL LETTER QA
        ('\u051D', 'w'), // ԝ CYRILLIC SMALL LETTER WE
        ('\u0405', 'S'), // Ѕ CYRILLIC CAPITAL LETTER DZE
        ('\u0408', 'J'), // Ј CYRILLIC CAPITAL LETTER JE
        ('\u0410', 'A'), // А CYRILLIC CAPITAL LETTER A
        ('\u0412', 'B'), // В CYRILLIC CAPITAL LETTER VE
        ('\u0415', 'E'), // Е CYRILLIC CAPITAL LETTER IE
        ('\u041A', 'K'), // К CYRILLIC CAPITAL LETTER KA
        ('\u041C', 'M'), // М CYRILLIC CAPITAL LETTER EM
        ('\u041D', 'H'), // Н CYRILLIC CAPITAL LETTER EN
        ('\u041E', 'O'), // О CYRILLIC CAPITAL LETTER O
        ('\u0420', 'P'), // Р CYRILLIC CAPITAL LETTER ER
        ('\u0421', 'C'), // С CYRILLIC CAPITAL LETTER ES
        ('\u0422', 'T'), // Т CYRILLIC CAPITAL LETTER TE
        ('\u0425', 'X'), // Х CYRILLIC CAPITAL LETTER HA
        ('\u0474', 'V'), // Ѵ CYRILLIC CAPITAL LETTER IZHITSA
        ('\u04AE', 'Y'), // Ү CYRILLIC CAPITAL LETTER STRAIGHT U
        ('\u051A', 'Q'), // Ԛ CYRILLIC CAPITAL LETTER QA
        ('\u051C', 'W'), // Ԝ CYRILLIC CAPITAL LETTER WE

        // Greek
        ('\u03B1', 'a'), // α GREEK SMALL LETTER ALPHA
        ('\u03B5', 'e'), // ε GREEK SMALL LETTER EPSILON (see above)
        ('\u03B9', 'i'), // ι GREEK SMALL LETTER IOTA
        ('\u03BA', 'k'), // κ GREEK SMALL LETTER KAPPA
        ('\u03BD', 'v'), // ν GREEK SMALL LETTER NU
        ('\u03BF', 'o'), // ο GREEK SMALL LETTER OMICRON
        ('\u03C1', 'p'), // ρ GREEK SMALL LETTER RHO
        ('\u03C4', 't'), // τ GREEK SMALL LETTER TAU
        ('\u03C5', 'u'), // υ GREEK SMALL LETTER UPSILON
        ('\u03C7', 'x'), // χ GREEK SMALL LETTER CHI
        ('\u03F2', 'c'), // ϲ GREEK LUNATE SIGMA SYMBOL
        ('\u0391', 'A'), // Α GREEK CAPITAL LETTER ALPHA
        ('\u0392', 'B'), // Β GREEK CAPITAL LETTER BETA
        ('\u0395', 'E'), // Ε GREEK CAPITAL LETTER EPSILON
        ('\u0396', 'Z'), // Ζ GREEK CAPITAL LETTER ZETA
        ('\u0397', 'H'), // Η GREEK CAPITAL LETTER ETA
        ('\u039A', 'K'), // Κ GREEK CAPITAL LETTER KAPPA
        ('\u039C', 'M'), // Μ GREEK CAPITAL LETTER MU
        ('\u039D', 'N'), // Ν GREEK CAPITAL LETTER NU
        ('\u039F', 'O'), // Ο GREEK CAPITAL LETTER OMICRON
        ('\u03A1', 'P'), // Ρ GREEK CAPITAL LETTER RHO
        ('\u03A4', 'T'), // Τ GREEK CAPITAL LETTER TAU
        ('\u03A5', 'Y'), // Υ GREEK CAPITAL LETTER UPSILON
        ('\u03A7', 'X'), // Χ GREEK CAPITAL LETTER CHI
        ('\u03F9', 'C'), // Ϲ GREEK CAPITAL LUNATE SIGMA SYMBOL

        // Armenian
        ('\u0570', 'h'), // հ ARMENIAN SMALL LETTER HO
        ('\u0566', 'q'), // զ ARMENIAN SMALL LETTER ZA
        ('\u0578', 'n'), // ո ARMENIAN SMALL LETTER VO
        ('\u057D', 'u'), // ս ARMENIAN SMALL LETTER SEH
        ('\u0581', 'g'), // ց ARMENIAN SMALL LETTER CO
        ('\u0585', 'o'), // օ ARMENIAN SMALL LETTER OH

        // Latin letters with no decomposition that TR39 reads as a plain letter (with a stroke, or without a dot)
        ('\u00D8', 'O'), // Ø LATIN CAPITAL LETTER O WITH STROKE
        ('\u00F8', 'o'), // ø LATIN SMALL LETTER O WITH STROKE
        ('\u0110', 'D'), // Đ LATIN CAPITAL LETTER D WITH STROKE
        ('\u0111', 'd'), // đ LATIN SMALL LETTER D WITH STROKE
        ('\u0126', 'H'), // Ħ LATIN CAPITAL LETTER H WITH STROKE
        ('\u0127', 'h'), // ħ LATIN SMALL LETTER H WITH STROKE
        ('\u0131', 'i'), // ı LATIN SMALL LETTER DOTLESS I
        ('\u0138', 'k'), // ĸ LATIN SMALL LETTER KRA
        ('\u0141', 'L'), // Ł LATIN CAPITAL LETTER L WITH STROKE
        ('\u0142', 'l'), // ł LATIN SMALL LETTER L WITH STROKE
        ('\u0166', 'T'), // Ŧ LATIN CAPITAL LETTER T WITH STROKE
        ('\u0167', 't'), // ŧ LATIN SMALL LETTER T WITH STROKE
        ('\u0251', 'a'), // ɑ LATIN SMALL LETTER ALPHA
        ('\u0261', 'g'), // ɡ LATIN SMALL LETTER SCRIPT G
    ];

    private static readonly FrozenDictionary<char, char> ByLookalike = Pairs.ToFrozenDictionary(p => p.Lookalike, p => p.Latin);

    /// <summary>The Latin letter <paramref name="c"/> is drawn like, if it is one of the table's lookalikes.</summary>
    public static bool TryFold(char c, out char latin) => ByLookalike.TryGetValue(c, out latin);
}
