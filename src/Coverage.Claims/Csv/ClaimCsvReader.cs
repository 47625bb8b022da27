using System.Globalization;

namespace Coverage.Claims.Csv;

/// <summary>
/// Reads claim lines from CSV, one row per service line, and groups consecutive rows with the same claim_id into
/// one claim (docs/batch.md lists the columns). The file is read once with constant memory, so the rows of a
/// claim must be consecutive. Claim-level columns (member_id, birth_date, plan_id, diagnoses) are taken from the
/// claim's first row; later rows may leave them empty or repeat them. An optional "charge" column is the line's billed amount
/// (read for `coverage impact`, never for a decision); columns the reader does not know (place of service) are ignored. A bad row rejects its whole claim.
/// </summary>
public sealed class ClaimCsvReader(TextReader input)
{
    /// <summary>The columns read, in the order the sample files use.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["claim_id", "line", "member_id", "birth_date", "plan_id", "diagnoses", "date_of_service", "code", "modifiers", "description", "units"];

    private static readonly string[] Required = ["claim_id", "date_of_service", "code"];
    private static readonly char[] ListSeparators = [';', ' ', '|'];

    public IEnumerable<ClaimRecord> Read()
    {
        using var rows = new CsvRowReader(input).ReadRows().GetEnumerator();
        if (!rows.MoveNext()) yield break;
        var columns = Header(rows.Current);
        var width = rows.Current.Fields.Count;

        ClaimDraft? claim = null;
        long firstLine = 0;
        while (rows.MoveNext())
        {
            var row = rows.Current;
            var claimId = Field(row, columns, "claim_id").Trim();
            if (claim is not null && claimId != claim.ClaimId)
            {
                yield return claim.ToRecord();
                claim = null;
            }
            var at = RecordPosition.Line(row.Line);
            if (claimId.Length == 0)
            {
                yield return ClaimRecord.Rejected(at, null, [new RecordError(at, "requestId", row.Error ?? "claim_id: required (it groups the rows of a claim)")]);
                continue;
            }
            if (claim is null)
            {
                claim = new ClaimDraft(at) { ClaimId = claimId };
                firstLine = row.Line;
                ClaimColumns(claim, row, columns);
            }
            else
            {
                SameClaimColumns(claim, row, columns, firstLine);
            }
            if (row.Error is not null) claim.Error(at, null, row.Error);
            else if (row.Fields.Count != width) claim.Error(at, null, $"the row has {row.Fields.Count} fields where the header has {width}");
            Line(claim, row, columns);
        }
        if (claim is not null) yield return claim.ToRecord();
    }

    private static Dictionary<string, int> Header(CsvRow header)
    {
        if (header.Error is not null) throw new ClaimFileException($"line {header.Line}: the CSV header cannot be read: {header.Error}");
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().ToLowerInvariant();
            if (name.Length > 0 && !columns.TryAdd(name, i))
                throw new ClaimFileException($"line {header.Line}: the CSV header names column '{name}' twice");
        }
        var missing = Required.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new ClaimFileException($"line {header.Line}: the CSV header lacks the column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} " +
                $"(columns: {string.Join(",", Columns)}; see docs/batch.md)");
        return columns;
    }

    private static string Field(CsvRow row, Dictionary<string, int> columns, string name) =>
        columns.TryGetValue(name, out var index) && index < row.Fields.Count ? row.Fields[index] : "";

    private static string? Optional(CsvRow row, Dictionary<string, int> columns, string name)
    {
        var value = Field(row, columns, name).Trim();
        return value.Length == 0 ? null : value;
    }

    private static void ClaimColumns(ClaimDraft claim, CsvRow row, Dictionary<string, int> columns)
    {
        var at = RecordPosition.Line(row.Line);
        // Every claim-level value is read from the claim's first row: its start, where errors about them point.
        claim.MemberId = Optional(row, columns, "member_id");
        claim.BirthDate = Optional(row, columns, "birth_date");
        claim.PlanId = Optional(row, columns, "plan_id");
        foreach (var code in Field(row, columns, "diagnoses").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            claim.AddDiagnosis(code, at);
    }

    private static void SameClaimColumns(ClaimDraft claim, CsvRow row, Dictionary<string, int> columns, long firstLine)
    {
        var at = RecordPosition.Line(row.Line);
        Same("member_id", "member.id", claim.MemberId);
        Same("birth_date", "member.birthDate", claim.BirthDate);
        Same("plan_id", "member.planId", claim.PlanId);
        var diagnoses = Field(row, columns, "diagnoses").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (diagnoses.Length > 0 && !claim.TooManyDiagnoses && !diagnoses.SequenceEqual(claim.Diagnoses, StringComparer.Ordinal))
            claim.Error(at, "diagnoses", $"diagnoses '{string.Join(";", diagnoses)}' differ from the claim's first row (line {firstLine}): '{string.Join(";", claim.Diagnoses)}'");

        void Same(string column, string field, string? first)
        {
            var value = Optional(row, columns, column);
            if (value is not null && value != first)
                claim.Error(at, field, $"{column} '{value}' differs from the claim's first row (line {firstLine}): '{first}'");
        }
    }

    private static void Line(ClaimDraft claim, CsvRow row, Dictionary<string, int> columns)
    {
        var at = RecordPosition.Line(row.Line);
        if (claim.Lines.Count >= ClaimDraft.MaxLines)
        {
            // One pass, constant memory: a claim is rejected rather than held beyond this many lines.
            if (!claim.TooManyLines) claim.Error(at, "serviceLines", $"the claim has more than {ClaimDraft.MaxLines} service lines");
            claim.TooManyLines = true;
            return;
        }
        var index = claim.Lines.Count;
        var line = new ClaimLineDraft(at) { Sequence = claim.Lines.Count + 1 };
        claim.Lines.Add(line);

        var sequence = Field(row, columns, "line").Trim();
        if (sequence.Length > 0)
        {
            if (int.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) line.Sequence = number;
            else claim.Error(at, $"serviceLines[{index}].sequence", $"line: '{sequence}' is not a line number");
        }
        line.Code = Field(row, columns, "code").Trim();
        if (line.Code.Length == 0) claim.Error(at, $"serviceLines[{index}].code", "code: required (the CPT or HCPCS code)");
        var modifiers = Field(row, columns, "modifiers").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // An 8 KiB field lists thousands: beyond ClaimDraft.MaxListed the line is rejected rather than held (an 837P has four).
        if (modifiers.Length > ClaimDraft.MaxListed) claim.Error(at, $"serviceLines[{index}].modifiers", $"modifiers: more than {ClaimDraft.MaxListed}");
        line.Modifiers.AddRange(modifiers.Take(ClaimDraft.MaxListed));
        line.Description = Optional(row, columns, "description");
        var units = Field(row, columns, "units").Trim();
        if (units.Length > 0)
        {
            if (decimal.TryParse(units, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
                line.Units = count; // its range and decimals are the request rules'
            else claim.Error(at, $"serviceLines[{index}].units", $"units: '{units}' is not a number");
        }
        // An optional "charge" column: the line's billed amount (no decision reads it, as an 837P's SV102). An empty cell
        // states none; a value that is not an amount makes the claim a bad record rather than a line without a charge.
        if (Optional(row, columns, "charge") is { } charge)
        {
            if (decimal.TryParse(charge, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) line.Charge = amount;
            else claim.Error(at, $"serviceLines[{index}].charge", $"charge: '{charge}' is not an amount (digits and an optional decimal point)");
        }
        line.DateOfService = Optional(row, columns, "date_of_service");
        line.DateAt = at;
        if (line.DateOfService is null) claim.Error(at, $"serviceLines[{index}].dateOfService", "date_of_service: required (the line's date of service, YYYY-MM-DD)");
    }
}
