using System.Text;

namespace Coverage.Cli.Tests;

/// <summary>Runs the `coverage` command in-process with captured standard streams.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result RunWithInput(string stdin, params string[] args) => RunWithInput(Encoding.UTF8.GetBytes(stdin), args);

    public static Result RunWithInput(byte[] stdin, params string[] args)
    {
        using var input = new MemoryStream(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CoverageCommand.Run(args, input, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    public static Result Run(params string[] args) => RunWithInput("", args);

    /// <summary>The folder that holds Coverage.slnx.</summary>
    public static string RepositoryRoot => Coverage.Testing.RepositoryRoot.Path;

    public static string Sample(string name) => Path.Combine(RepositoryRoot, "samples", name);
}
