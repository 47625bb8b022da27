using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

public static partial class CatalogueLoader
{
    /// <summary>
    /// Each root's optional <c>policies/order-codes.yaml</c> (an extension's entries after its base's): every entry names
    /// an absolute system URI, a code, one or more CPT/HCPCS billing codes and its source; a coding listed twice is an error.
    /// </summary>
    private static OrderCodeMap LoadOrderCodes(IReadOnlyList<string> roots, Problems problems)
    {
        var entries = new List<OrderCode>();
        foreach (var file in roots.Select(r => Path.Combine(r, "policies", OrderCodeMap.FileName)).Where(CatalogueDisk.FileExists))
        {
            var dto = Read<OrderCodesFile>(file, problems);
            if (dto is null) continue;
            var at = problems.In(file);
            foreach (var (entry, i) in Indexed(at.Required(dto.OrderCodes, "orderCodes")))
            {
                var path = $"orderCodes[{i}]";
                var system = at.Text(entry.System, path + ".system");
                if (system is not null && !Uri.TryCreate(system, UriKind.Absolute, out _))
                    at.Add(path + ".system", $"'{system}' is not an absolute URI (a code system, e.g. http://snomed.info/sct)");
                var code = at.Text(entry.Code, path + ".code");
                var source = at.Text(entry.Source, path + ".source");
                var billing = entry.BillingCodes ?? [];
                if (billing.Count == 0) at.Add(path + ".billingCodes", "required: the CPT/HCPCS codes this coding is billed as");
                foreach (var (billingCode, j) in Indexed(billing))
                    if (string.IsNullOrWhiteSpace(billingCode) || !CodeFormats.IsProcedureCode(billingCode))
                        at.Add($"{path}.billingCodes[{j}]", $"'{billingCode}' is not a CPT or HCPCS code (five characters, e.g. 0581T or C9734)");
                if (system is null || code is null || source is null || billing.Count == 0) continue;
                if (entries.Any(e => e.System == system && e.Code == code))
                    at.Add(path + ".code", $"{system}|{code} is mapped twice");
                else
                    entries.Add(new OrderCode(system, code, entry.Display, [.. billing], source));
            }
        }
        return new OrderCodeMap(entries);
    }
}

#pragma warning disable CA1002, CA2227 // YAML binding needs settable lists.
internal sealed class OrderCodesFile
{
    public List<OrderCodeEntry>? OrderCodes { get; set; }
}

internal sealed class OrderCodeEntry
{
    public string? System { get; set; }
    public string? Code { get; set; }
    public string? Display { get; set; }
    public List<string>? BillingCodes { get; set; }
    public string? Source { get; set; }
}
#pragma warning restore CA1002, CA2227
