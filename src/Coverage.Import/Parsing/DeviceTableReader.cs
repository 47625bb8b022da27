using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// Device tables, wherever they stand: a header row naming a device and its manufacturer ("Device or Product
/// Identifier  Manufacturer  Decision Date"), its rows up to the next blank line, and the FDA product codes a
/// line after the table gives ("FDA product codes: ABC").
/// </summary>
internal static partial class DeviceTableReader
{
    public static List<DraftDevice> Read(PolicyDocument document, LineUse use)
    {
        var devices = new List<DraftDevice>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lines = document.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var header = Columns.Split(lines[i].Text);
            var nameColumn = header.ToList().FindIndex(c => Regex.IsMatch(c, @"\b(?:Device|Product)\b", RegexOptions.IgnoreCase));
            var makerColumn = header.ToList().FindIndex(c => c.Contains("Manufacturer", StringComparison.OrdinalIgnoreCase));
            if (header.Count < 3 || nameColumn < 0 || makerColumn < 0) continue;
            var idColumn = header.ToList().FindIndex(c => Regex.IsMatch(c, @"Identifier|Number|510\(k\)|PMA|De Novo", RegexOptions.IgnoreCase));
            var dateColumn = header.ToList().FindIndex(c => c.Contains("Date", StringComparison.OrdinalIgnoreCase));
            use.Place(lines[i]);
            var table = new List<DraftDevice>();
            var j = i + 1;
            for (; j < lines.Count && !lines[j].IsBlank; j++)
            {
                var cells = Columns.Split(lines[j].Text);
                if (cells.Count != header.Count) break;
                DateOnly? decided = dateColumn >= 0 && DocumentDates.TryParse(cells[dateColumn], out var d) ? d : null;
                var name = InlineMarkup.Clean(cells[nameColumn]);
                table.Add(new DraftDevice
                {
                    Id = Slug.Unique(name, ids),
                    Name = name,
                    Manufacturer = InlineMarkup.Clean(cells[makerColumn]),
                    Authorization = idColumn >= 0 ? InlineMarkup.Clean(cells[idColumn]) : null,
                    DecisionDate = decided,
                    Line = lines[j],
                });
                use.Place(lines[j]);
            }
            // The product codes follow the table, before the next paragraph of prose.
            for (var k = j; k < Math.Min(lines.Count, j + 4); k++)
                if (ProductCodes().Match(lines[k].Text) is { Success: true } m)
                {
                    var code = new Sourced<string>(m.Groups["codes"].Value.Trim(), lines[k]);
                    table = [.. table.Select(t => t with { ProductCode = code })];
                    use.Place(lines[k]);
                    break;
                }
            devices.AddRange(table);
            i = j;
        }
        return devices;
    }

    [GeneratedRegex(@"FDA product codes?\s*:\s*(?<codes>[A-Z]{3}(?:\s*,\s*[A-Z]{3})*)", RegexOptions.IgnoreCase)]
    private static partial Regex ProductCodes();
}
