namespace Coverage.Cli;

/// <summary>Where the catalogue is: --catalogue, else COVERAGE_CATALOGUE, else the copy shipped beside the program.</summary>
internal static class CatalogueLocator
{
    public const string EnvironmentVariable = "COVERAGE_CATALOGUE";

    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        return Path.Combine(AppContext.BaseDirectory, "catalogue");
    }
}
