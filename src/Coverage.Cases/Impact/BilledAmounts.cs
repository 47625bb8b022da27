using System.Globalization;

namespace Coverage.Cases.Impact;

/// <summary>
/// Billed amounts kept apart from the requests, for inputs that carry none (NDJSON requests, stored cases): a CSV of
/// request_id,line,charge, joined to a request by its request id and the line's sequence. Held in memory (a row per
/// billed line), so it is for a set of cases or a file of requests, not a million-line claim file (whose 837P states
/// its charges in SV102 anyway).
/// </summary>
public sealed class BilledAmounts
{
    public const string Header = "request_id,line,charge";
    /// <summary>More rows than this is not what the file is for: an error rather than an unbounded table.</summary>
    public const int MaxRows = 1_000_000;

    private readonly Dictionary<(string RequestId, int Sequence), decimal> _charges;

    private BilledAmounts(Dictionary<(string, int), decimal> charges) => _charges = charges;

    public int Count => _charges.Count;

    public decimal? Of(string? requestId, int sequence) =>
        requestId is not null && _charges.TryGetValue((requestId, sequence), out var charge) ? charge : null;

    /// <summary>The table, or every problem (with its line number) when the file is not one.</summary>
    public static (BilledAmounts? Amounts, IReadOnlyList<string> Errors) Parse(TextReader reader)
    {
        var errors = new List<string>();
        var charges = new Dictionary<(string, int), decimal>();
        var header = reader.ReadLine();
        if (header?.Trim().TrimStart('\uFEFF') != Header) return (null, [$"line 1: the header must be '{Header}'"]);
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 3) errors.Add($"line {number}: three fields expected (request_id,line,charge), found {fields.Length}");
            else if (fields[0].Trim().Length == 0) errors.Add($"line {number}: request_id is empty");
            else if (!int.TryParse(fields[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                errors.Add($"line {number}: line '{fields[1].Trim()}' is not a line number");
            else if (!decimal.TryParse(fields[2].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var charge))
                errors.Add($"line {number}: charge '{fields[2].Trim()}' is not an amount (such as 6200.00)");
            else if (!charges.TryAdd((fields[0].Trim(), sequence), charge))
                errors.Add($"line {number}: request {fields[0].Trim()} line {sequence} is billed twice");
            if (errors.Count >= 20 || number > MaxRows + 1)
            {
                if (number > MaxRows + 1) errors.Add($"more than {MaxRows:N0} rows");
                break;
            }
        }
        return errors.Count > 0 ? (null, errors) : (new BilledAmounts(charges), []);
    }
}
