using System.Diagnostics;

namespace Coverage.SdcPackage;

/// <summary>
/// The implementation guide's source at one commit of its git repository (a bare clone is enough): the file names
/// under a folder and a file's text, read with <c>git ls-tree</c> and <c>git show</c>, so that nothing is checked out
/// and the commit, not whatever a work tree holds, decides what goes into the package.
/// </summary>
public sealed class IgSource(string gitDirectory, string commit)
{
    public string Commit => commit;

    public IReadOnlyList<string> Files(string folder) =>
        [.. Git("ls-tree", "-r", "--name-only", commit, "--", folder).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    public string Read(string path) => Git("show", $"{commit}:{path}");

    /// <summary>The full commit id (a short id on the command line names the same commit in the provenance).</summary>
    public string FullCommit() => Git("rev-parse", "--verify", commit + "^{commit}").Trim();

    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--git-dir=" + gitDirectory);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error.Result}");
    }
}
