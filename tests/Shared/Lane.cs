namespace Coverage.Testing;

/// <summary>
/// The test lanes (docs/testing.md): unit tests run in seconds with no server, database, browser or child process;
/// integration tests start the real thing. A test project or class that starts anything real carries
/// <c>[Trait(Lane.Trait, Lane.Integration)]</c> (or the assembly-wide AssemblyTrait), so that
/// <c>dotnet test --filter "Lane!=Integration"</c> is the fast lane and <c>--filter Lane=Integration</c> the rest.
/// ./test.sh runs both.
/// </summary>
internal static class Lane
{
    public const string Trait = "Lane";
    public const string Integration = "Integration";
}
