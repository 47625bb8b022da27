using Coverage.Claims;
using Coverage.Engine.Catalogue;

namespace Coverage.Cli;

/// <summary>
/// The `--plan-map FILE` of the commands that read claim files (adjudicate, impact): the file read and parsed, or why
/// not, in the words the command prints. One reader, so that both commands accept and refuse the same files.
/// </summary>
internal static class PlanMapFile
{
    /// <summary>The map (empty without a file), or the problem; the plans it names must be plans of <paramref name="known"/>, when given.</summary>
    public static (PlanMap? Map, string? Problem) Read(string? path, PolicyCatalogue? known = null)
    {
        if (path is null) return (PlanMap.Empty, null);
        if (InputFile.Problem(path, "the plan map") is { } missing) return (null, missing);
        using var reader = File.OpenText(path);
        var (map, problems) = PlanMap.Parse(reader);
        if (map is null) return (null, $"the plan map '{path}' is invalid: {string.Join("; ", problems)}");
        var unknown = known is null ? [] : map.PlanIds.Where(id => known.FindPlan(id) is null).Distinct().ToList();
        return unknown.Count > 0
            ? (null, $"the plan map '{path}' names unknown plans {string.Join(", ", unknown)} (known: {string.Join(", ", known!.Plans.Select(p => p.Id))})")
            : (map, null);
    }
}
