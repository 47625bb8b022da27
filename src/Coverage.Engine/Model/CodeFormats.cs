using System.Text.RegularExpressions;

namespace Coverage.Engine.Model;

/// <summary>
/// The shapes of the code systems the contract carries (spec: malformed codes are input errors). ASCII only: the
/// patterns name their letters in both cases rather than ignore case, since .NET's case-insensitive matching counts
/// the Kelvin sign (U+212A) as a K, and end at \z, since $ also matches before a final line break.
/// </summary>
public static partial class CodeFormats
{
    /// <summary>CPT Category I (12345), II (1234F), III (1234T), PLA (1234U), or HCPCS Level II (A1234).</summary>
    public static bool IsProcedureCode(string code) => ProcedureCode().IsMatch(code);

    /// <summary>A CPT/HCPCS modifier: two letters or digits (50, LT, 59, XS).</summary>
    public static bool IsModifier(string code) => Modifier().IsMatch(code);

    /// <summary>A CMS place-of-service code: two digits, 01 to 99 (11 office, 22 on-campus outpatient hospital, 24 ambulatory surgical center).</summary>
    public static bool IsPlaceOfService(string code) => code.Length == 2 && char.IsAsciiDigit(code[0]) && char.IsAsciiDigit(code[1]) && code != "00";

    /// <summary>ICD-10-CM: a letter (U included: U07.1), a digit, a digit or A/B, then up to four more characters, with or without the dot.</summary>
    public static bool IsIcd10Cm(string code) => Icd10Cm().IsMatch(code);

    /// <summary>An ICD-10-CM category (C50) or subcategory (C79.8) used as a prefix in a value set.</summary>
    public static bool IsIcd10CategoryPrefix(string code) => Icd10Prefix().IsMatch(code);

    /// <summary>Upper case without the dot: C50.411 and c50411 are both C50411.</summary>
    public static string NormaliseIcd10(string code) => code.Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The conventional display form, with the dot after the category: C50411 → C50.411.</summary>
    public static string DisplayIcd10(string normalised) => normalised.Length > 3 ? normalised[..3] + "." + normalised[3..] : normalised;

    [GeneratedRegex(@"^([0-9]{4}[0-9FTUftu]|[A-Va-v][0-9]{4})\z")]
    private static partial Regex ProcedureCode();

    [GeneratedRegex(@"^[0-9A-Za-z]{2}\z")]
    private static partial Regex Modifier();

    [GeneratedRegex(@"^[A-Za-z][0-9][0-9ABab](\.?[0-9A-Za-z]{1,4})?\z")]
    private static partial Regex Icd10Cm();

    [GeneratedRegex(@"^[A-Za-z][0-9][0-9ABab](\.[0-9A-Za-z]{1,3})?\z")]
    private static partial Regex Icd10Prefix();
}
