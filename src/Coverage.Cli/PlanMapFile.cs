using Coverage.Claims;
using Coverage.Engine.Catalogue;

namespace Coverage.Cli;

/// <summary>
/// The `--plan-map FILE` of the commands that read claim files (adjudicate, impact): the file read and parsed, or why
/// not, in the words the command prints. One reader, so that both commands accept and refuse the same files.
/// </summary>
internal static class PlanMapFile
{
    /// <summary>The most a plan map may hold: a line per member or group, some millions of lines at most.</summary>
    public const int MaxBytes = 256 * 1024 * 1024;

    /// <summary>The map (empty without a file), or the problem; the plans it names must be plans of <paramref name="known"/>, when given.</summary>
    public static (PlanMap? Map, string? Problem) Read(string? path, PolicyCatalogue? known = null)
    {
        if (path is null) return (PlanMap.Empty, null);
        var (text, unreadable) = InputFile.ReadUtf8(path, "the plan map", MaxBytes);
        if (text is null) return (null, unreadable);
        using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(text));
        var (map, problems) = PlanMap.Parse(reader);
        if (map is null) return (null, $"the plan map '{path}' is invalid: {string.Join("; ", problems)}");
        var unknown = known is null ? [] : map.PlanIds.Where(id => known.FindPlan(id) is null).Distinct().ToList();
        return unknown.Count > 0
            ? (null, $"the plan map '{path}' names unknown plans {string.Join(", ", unknown)} (known: {string.Join(", ", known!.Plans.Select(p => p.Id))})")
            : (map, null);
    }
}
