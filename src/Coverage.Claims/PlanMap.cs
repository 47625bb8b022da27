namespace Coverage.Claims;

/// <summary>
/// Which benefit plan a claim's group number (837P 2000B SBR03) stands for. An 837P names the subscriber's group,
/// not a plan of the catalogue, so the mapping is the payer's: a small CSV file of "group_number,plan_id" rows.
/// A group that is not listed, or a claim without a group, gets the catalogue's default plan.
/// </summary>
public sealed class PlanMap
{
    private readonly Dictionary<string, string> _plans;

    private PlanMap(Dictionary<string, string> plans) => _plans = plans;

    public static PlanMap Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    public int Count => _plans.Count;

    public IReadOnlyCollection<string> PlanIds => _plans.Values;

    /// <summary>The plan id for a group number, or null for the default plan.</summary>
    public string? PlanFor(string? groupNumber) =>
        groupNumber is not null && _plans.TryGetValue(groupNumber, out var plan) ? plan : null;

    /// <summary>
    /// Reads "group_number,plan_id" rows: blank lines and lines starting with # are skipped, and so is a first row
    /// that reads "group_number,plan_id". Returns the errors (with line numbers) instead of a map when any.
    /// </summary>
    public static (PlanMap? Map, IReadOnlyList<string> Errors) Parse(TextReader reader)
    {
        var plans = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#')) continue;
            var parts = text.Split(',');
            if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
            {
                errors.Add($"line {number}: expected 'group_number,plan_id', not '{text}'");
                continue;
            }
            var (group, plan) = (parts[0].Trim(), parts[1].Trim());
            if (plans.Count == 0 && group == "group_number" && plan == "plan_id") continue;
            if (!plans.TryAdd(group, plan)) errors.Add($"line {number}: group {group} is listed twice");
        }
        return errors.Count > 0 ? (null, errors) : (new PlanMap(plans), []);
    }
}
