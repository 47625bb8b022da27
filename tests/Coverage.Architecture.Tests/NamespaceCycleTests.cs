using System.Text.RegularExpressions;
using Coverage.Testing;

namespace Coverage.Architecture.Tests;

/// <summary>
/// Inside a library, the folders (namespaces) depend one way: Json reads into Validation's draft and result,
/// Validation never reads Json; Evaluation uses Catalogue and Model, never the other way. A cycle means two
/// folders are one concept split in two, or a type lives in the wrong one. The dependencies are read from each
/// file's namespace and its using directives. The host (Coverage.Server) wires everything and is not held to it.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    private static readonly string[] Libraries = ["Coverage.Engine", "Coverage.Cases", "Coverage.Claims", "Coverage.Fhir", "Coverage.Store", "Coverage.Cli"];

    public static TheoryData<string> LibraryNames() => new(Libraries);

    [GeneratedRegex(@"^namespace (?<name>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using (?<name>Coverage(?:\.\w+)+);", RegexOptions.Multiline)]
    private static partial Regex Using();

    /// <summary>Namespace → the Coverage namespaces its files import.</summary>
    private static Dictionary<string, HashSet<string>> Dependencies(string project)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", project);
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || relative.Contains("Migrations/", StringComparison.Ordinal))
                continue;
            var text = File.ReadAllText(file);
            if (Namespace().Match(text) is not { Success: true } declared) continue;
            var name = declared.Groups["name"].Value;
            if (!graph.TryGetValue(name, out var uses)) graph[name] = uses = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match used in Using().Matches(text))
                if (used.Groups["name"].Value != name) uses.Add(used.Groups["name"].Value);
        }
        return graph;
    }

    /// <summary>One cycle, as the path that closes it, or null.</summary>
    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.SkipWhile(n => n != next), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }

    [Theory]
    [MemberData(nameof(LibraryNames))]
    public void Library_NamespacesDependOneWay(string project)
    {
        var cycle = FindCycle(Dependencies(project));
        Assert.True(cycle is null, $"{project}: {string.Join(" → ", cycle ?? [])}");
    }

    [Fact]
    public void FindCycle_FindsATwoFolderCycle()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["A.Json"] = ["A.Validation"],
            ["A.Validation"] = ["A.Model", "A.Json"],
            ["A.Model"] = [],
        };
        Assert.Equal(["A.Json", "A.Validation", "A.Json"], FindCycle(graph));
        graph["A.Validation"].Remove("A.Json");
        Assert.Null(FindCycle(graph));
    }
}
