namespace Coverage.Cli;

/// <summary>
/// Why a path a command reads cannot be opened as a file, in the words the command prints, or null when it can.
/// File.Exists is false for a directory too, and "does not exist" for a folder the operator can see sends them
/// looking for a typo instead of at the argument.
/// </summary>
internal static class InputFile
{
    /// <param name="what">What the file is to the command: "the input", "the plan map".</param>
    public static string? Problem(string path, string what) =>
        Directory.Exists(path) ? $"{what} '{path}' is a directory, not a file"
        : !File.Exists(path) ? $"{what} '{path}' does not exist"
        : null;
}
