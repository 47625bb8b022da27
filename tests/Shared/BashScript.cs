using System.Diagnostics;

namespace Coverage.Testing;

/// <summary>
/// Runs a bash script file as a reader of the README would run its examples: from a working directory, with nothing on
/// standard input (a command that reads it must not read the script), within a time limit.
/// </summary>
internal static class BashScript
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string scriptFile, string workingDirectory, TimeSpan limit, string what)
    {
        var start = new ProcessStartInfo("bash", [scriptFile])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        bash.StandardInput.Close();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} ran for more than {limit.TotalMinutes:0} minutes");
        }
        return new Result(bash.ExitCode, await output, await error);
    }
}
