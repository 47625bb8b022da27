namespace Coverage.Testing;

/// <summary>
/// The folder that holds Coverage.slnx, found upward from the test assembly. One file, linked into
/// every test project, so that each finds the catalogue, the samples and the built programs the same way.
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Coverage.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Coverage.slnx not found above " + AppContext.BaseDirectory);
    }
}
