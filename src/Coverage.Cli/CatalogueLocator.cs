namespace Coverage.Cli;

/// <summary>
/// Where the catalogue is: --catalogue (a folder, or the name of a catalogue shipped beside the program, such as
/// with-related-resources), else COVERAGE_CATALOGUE, else the copy shipped beside the program.
/// </summary>
internal static class CatalogueLocator
{
    public const string EnvironmentVariable = "COVERAGE_CATALOGUE";

    public static string Resolve(string? option)
    {
        // A name (no path separator) that is not a folder here is a catalogue shipped beside the program.
        if (!string.IsNullOrWhiteSpace(option) && !Directory.Exists(option) && !option.Contains('/') && !option.Contains('\\')
            && Directory.Exists(Path.Combine(AppContext.BaseDirectory, "catalogue", "catalogues", option)))
            return Path.Combine(AppContext.BaseDirectory, "catalogue", "catalogues", option);
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        return Path.Combine(AppContext.BaseDirectory, "catalogue");
    }
}
