namespace Coverage.Engine.Text;

/// <summary>
/// One field of a CSV file Coverage writes (RFC 4180), safe to open in a spreadsheet: quoted, with its quotes doubled,
/// when it holds a comma, a quote or a line break; and prefixed with <c>'</c> when it begins with a character a
/// spreadsheet takes as the start of a formula (<c>= + - @</c>, tab, carriage return — OWASP "CSV Injection"), so that
/// text from a request, such as a claim id <c>=HYPERLINK(…)</c>, is shown and never run.
/// </summary>
/// <remarks>
/// Only text fields go through here: numbers Coverage formats itself (a charge of -5.00) are written as they are.
/// The prefix is visible to a program reading the file; the NDJSON and JSON outputs carry the same values exactly
/// (docs/decisions.md, "CSV fields a spreadsheet would run").
/// </remarks>
public static class CsvField
{
    /// <summary>The field as written in a file meant to be read by people (and their spreadsheets).</summary>
    public static string Of(string value) => Quoted(StartsLikeAFormula(value) ? "'" + value : value);

    /// <summary>
    /// The field exactly, RFC 4180 quoting only: for a file that is input to a program, such as a synthetic claims file,
    /// where a changed value would be a different claim.
    /// </summary>
    public static string Quoted(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether a spreadsheet would read the text as a formula.</summary>
    public static bool StartsLikeAFormula(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
}
