namespace Coverage.Cli.Tests;

/// <summary>The words a command prints for an input path it cannot read as a file (<see cref="InputFile"/>).</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-cli-input-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Directory_IsSaidToBeADirectory_NotMissing()
    {
        Assert.Equal($"the input '{_folder}' is a directory, not a file", InputFile.Problem(_folder, "the input"));
    }

    [Fact]
    public void MissingPath_DoesNotExist()
    {
        var missing = Path.Combine(_folder, "nowhere.837");

        Assert.Equal($"the plan map '{missing}' does not exist", InputFile.Problem(missing, "the plan map"));
    }

    [Fact]
    public void File_HasNoProblem()
    {
        var file = Path.Combine(_folder, "claims.837");
        File.WriteAllText(file, "ISA");

        Assert.Null(InputFile.Problem(file, "the input"));
    }
}
