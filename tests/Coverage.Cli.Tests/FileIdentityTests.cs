namespace Coverage.Cli.Tests;

/// <summary>Whether two paths are one file (<see cref="FileIdentity"/>): through symbolic and hard links, and for files not written yet.</summary>
public sealed class FileIdentityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-cli-identity-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Existing(string name, string content = "x")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A second name for the file (link(2), through ln: .NET makes symbolic links only).</summary>
    internal static void HardLink(string existing, string link)
    {
        using var ln = System.Diagnostics.Process.Start("ln", [existing, link])!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }

    [Fact]
    public void HardLink_IsTheSameFile()
    {
        var file = Existing("claims.837");
        var link = Path.Combine(_folder, "adjustments.csv");
        HardLink(file, link);

        Assert.True(FileIdentity.Same(link, file));
        if (OperatingSystem.IsLinux()) Assert.Equal(FileIdentity.Of(file), FileIdentity.Of(link));
    }

    [Fact]
    public void SymbolicLink_IsTheSameFile()
    {
        var file = Existing("claims.837");
        var link = Path.Combine(_folder, "errors.ndjson");
        File.CreateSymbolicLink(link, file);

        Assert.True(FileIdentity.Same(link, file));
    }

    [Fact]
    public void TwoFilesWithTheSameContent_AreNotTheSameFile()
    {
        Assert.False(FileIdentity.Same(Existing("a.837"), Existing("b.837")));
    }

    [Fact]
    public void FilesNotWrittenYet_AreComparedByTheirFullPath()
    {
        var results = Path.Combine(_folder, "results.ndjson");

        Assert.Null(FileIdentity.Of(results));
        Assert.True(FileIdentity.Same(results, Path.Combine(_folder, ".", "results.ndjson")));
        Assert.False(FileIdentity.Same(results, Path.Combine(_folder, "other.ndjson")));
        Assert.False(FileIdentity.Same(results, Existing("claims.837")));
    }
}
