using System.Xml.Linq;
using Coverage.Testing;

namespace Coverage.Architecture.Tests;

/// <summary>
/// docs/architecture.md, "Projects and what they may reference", as a test: the layers hold because the project
/// files say so. The engine references nothing; the adapters reference the engine; only the store references
/// Entity Framework; only the host references ASP.NET Core. A new project fails here until it is given a place.
/// </summary>
public sealed class ProjectReferenceTests
{
    /// <summary>Each production project and the projects it may reference directly.</summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new(StringComparer.Ordinal)
    {
        ["Coverage.Engine"] = [],
        ["Coverage.Cases"] = ["Coverage.Engine"],
        ["Coverage.Claims"] = ["Coverage.Engine"],
        ["Coverage.Fhir"] = ["Coverage.Engine"],
        ["Coverage.Store"] = ["Coverage.Engine", "Coverage.Cases"],
        ["Coverage.Import"] = [],
        ["Coverage.Cli"] = ["Coverage.Engine", "Coverage.Claims", "Coverage.Cases", "Coverage.Store", "Coverage.Import"],
        ["Coverage.Server"] = ["Coverage.Engine", "Coverage.Cases", "Coverage.Store", "Coverage.Fhir"],
    };

    /// <summary>Package families and the one production project each belongs to.</summary>
    private static readonly (string Prefix, string Owner, string Why)[] PackageOwners =
    [
        ("Microsoft.EntityFrameworkCore", "Coverage.Store", "persistence is the store's alone"),
        ("Npgsql", "Coverage.Store", "persistence is the store's alone"),
        ("Microsoft.Data.Sqlite", "Coverage.Store", "persistence is the store's alone"),
        ("Microsoft.AspNetCore", "Coverage.Server", "HTTP is the host's alone"),
        ("Hl7.Fhir", "Coverage.Fhir", "FHIR models belong to the FHIR adapter"),
        ("Firely", "Coverage.Fhir", "FHIR validation belongs to the FHIR adapter"),
        ("System.CommandLine", "Coverage.Cli", "the command line is the CLI's alone"),
        ("PdfPig", "Coverage.Import", "reading PDF documents is the importer's alone"),
    ];

    private static readonly string[] ProjectFolders = ["src", "tests", "bench", "tools", "fuzz"];

    public static TheoryData<string> ProductionProjects() => new(Projects("src").Select(p => p.Name));

    private static IEnumerable<(string Name, XDocument Project)> Projects(string folder) =>
        Directory.GetFiles(Path.Combine(RepositoryRoot.Path, folder), "*.csproj", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => (System.IO.Path.GetFileNameWithoutExtension(path), XDocument.Load(path)));

    private static XDocument Project(string name) => Projects("src").Single(p => p.Name == name).Project;

    private static IEnumerable<string> ProjectReferences(XDocument project) =>
        project.Descendants("ProjectReference").Select(r => System.IO.Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value));

    private static IEnumerable<string> PackageReferences(XDocument project) =>
        project.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value);

    [Fact]
    public void Src_HoldsTheEngineAndItsAdapters()
    {
        var names = Projects("src").Select(p => p.Name).ToList();
        Assert.Contains("Coverage.Engine", names);
        Assert.Contains("Coverage.Store", names);
        Assert.Contains("Coverage.Server", names);
    }

    [Theory]
    [MemberData(nameof(ProductionProjects))]
    public void ProductionProject_ReferencesOnlyTheProjectsItsLayerMay(string name)
    {
        Assert.True(AllowedReferences.TryGetValue(name, out var allowed),
            $"{name} has no place in the layers yet: add it to docs/architecture.md and to {nameof(AllowedReferences)}");
        var forbidden = ProjectReferences(Project(name)).Where(r => !allowed.Contains(r, StringComparer.Ordinal)).ToList();
        Assert.True(forbidden.Count == 0, $"{name} may reference only [{string.Join(", ", allowed)}], not [{string.Join(", ", forbidden)}]");
    }

    [Theory]
    [MemberData(nameof(ProductionProjects))]
    public void ProductionProject_UsesOnlyThePackagesOfItsLayer(string name)
    {
        var misplaced = PackageReferences(Project(name))
            .SelectMany(package => PackageOwners.Where(o => package.StartsWith(o.Prefix, StringComparison.Ordinal) && o.Owner != name)
                .Select(o => $"{package} ({o.Why})"))
            .ToList();
        Assert.True(misplaced.Count == 0, $"{name} references: {string.Join("; ", misplaced)}");
    }

    [Fact]
    public void Engine_ReferencesNoProject()
    {
        Assert.Empty(ProjectReferences(Project("Coverage.Engine")));
    }

    [Fact]
    public void ProductionProjects_NeverReferenceTestsBenchmarksOrTools()
    {
        var offending = Projects("src")
            .SelectMany(p => p.Project.Descendants("ProjectReference").Select(r => (p.Name, Include: r.Attribute("Include")!.Value.Replace('\\', '/'))))
            .Where(r => r.Include.Contains("/tests/", StringComparison.Ordinal) || r.Include.Contains("/bench/", StringComparison.Ordinal)
                        || r.Include.Contains("/tools/", StringComparison.Ordinal) || r.Include.Contains("/fuzz/", StringComparison.Ordinal))
            .Select(r => $"{r.Name} → {r.Include}")
            .ToList();
        Assert.Empty(offending);
    }

    [Fact]
    public void EveryProjectOfTheRepository_IsInTheSolution()
    {
        var solution = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Coverage.slnx"));
        var missing = ProjectFolders
            .Where(folder => Directory.Exists(Path.Combine(RepositoryRoot.Path, folder)))
            .SelectMany(folder => Directory.GetFiles(Path.Combine(RepositoryRoot.Path, folder), "*.csproj", SearchOption.AllDirectories))
            .Select(path => System.IO.Path.GetRelativePath(RepositoryRoot.Path, path).Replace('\\', '/'))
            // A node tool's installed packages (tools/sdc-render-check) are npm's, not projects of this repository (one ships a .csproj).
            .Where(path => !path.Contains("/node_modules/", StringComparison.Ordinal))
            .Where(path => !solution.Contains($"\"{path}\"", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(missing);
    }
}
