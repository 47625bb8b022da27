using System.Text;

namespace Coverage.Claims.Csv;

/// <summary>One CSV row: the line it starts on, its fields, and why it could not be read (if it could not).</summary>
internal sealed record CsvRow(long Line, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// Reads RFC 4180 CSV row by row with constant memory: comma separated, fields optionally in double quotes
/// (a quote inside doubled), quoted fields may hold commas and line breaks; CRLF or LF line ends. Blank lines
/// are skipped. A row that cannot be read is returned with its error, and reading goes on at the next line.
/// </summary>
internal sealed class CsvRowReader(TextReader input, int maxFieldLength = CsvRowReader.DefaultMaxFieldLength)
{
    public const int DefaultMaxFieldLength = 8 * 1024;

    /// <summary>A row keeps at most this many fields, so that a row cannot grow without bound.</summary>
    public const int MaxFields = 1024;

    private long _line = 1;
    private int _peeked = -2;

    public IEnumerable<CsvRow> ReadRows()
    {
        var field = new StringBuilder();
        while (Peek() >= 0)
        {
            var start = _line;
            var fields = new List<string>();
            string? error = null;
            field.Clear();
            var quoted = false;
            var afterQuote = false;
            var atFieldStart = true;
            while (true)
            {
                var ch = Read();
                if (ch < 0)
                {
                    if (quoted) error ??= $"the file ends inside a quoted field that starts on line {start}";
                    break;
                }
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (Peek() == '"')
                        {
                            Read();
                            Append(field, '"', ref error);
                        }
                        else
                        {
                            quoted = false;
                            afterQuote = true;
                        }
                    }
                    else
                    {
                        if (ch == '\n') _line++;
                        Append(field, (char)ch, ref error);
                    }
                    continue;
                }
                if (ch is '\r' or '\n')
                {
                    if (ch == '\r' && Peek() == '\n') Read();
                    _line++;
                    break;
                }
                if (ch == ',')
                {
                    if (fields.Count < MaxFields) fields.Add(field.ToString());
                    else error ??= $"the row has more than {MaxFields} fields";
                    field.Clear();
                    atFieldStart = true;
                    afterQuote = false;
                    continue;
                }
                if (ch == '"' && atFieldStart)
                {
                    quoted = true;
                    atFieldStart = false;
                    continue;
                }
                if (afterQuote)
                {
                    error ??= $"unexpected '{(char)ch}' after the closing quote of field {fields.Count + 1}";
                    continue;
                }
                if (ch == '"') error ??= $"a quote inside unquoted field {fields.Count + 1} (quote the field and double the quote)";
                atFieldStart = false;
                Append(field, (char)ch, ref error);
            }
            fields.Add(field.ToString());
            if (error is null && fields.Count == 1 && fields[0].Length == 0 && !afterQuote) continue; // a blank line
            yield return new CsvRow(start, fields, error);
        }
    }

    private void Append(StringBuilder field, char ch, ref string? error)
    {
        if (field.Length < maxFieldLength) field.Append(ch);
        else error ??= $"a field is longer than {maxFieldLength} characters";
    }

    private int Peek()
    {
        if (_peeked == -2) _peeked = input.Read();
        return _peeked;
    }

    private int Read()
    {
        var ch = Peek();
        _peeked = -2;
        return ch;
    }
}
