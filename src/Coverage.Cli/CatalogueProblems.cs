using Coverage.Engine.Text;

namespace Coverage.Cli;

/// <summary>
/// How the commands print what is wrong with a catalogue: one problem a line, each at most
/// <see cref="MaxLength"/> characters, as the server's impact page shows them. A problem quotes the value it is
/// about, and a megabyte-long value in a policy or plan file was echoed whole to the terminal or the log.
/// </summary>
internal static class CatalogueProblems
{
    public const int MaxLength = 1_000;

    public static void Write<T>(TextWriter stderr, IEnumerable<T> problems)
    {
        foreach (var problem in problems) stderr.WriteLine($"  {Bounded.Text(problem?.ToString(), MaxLength)}");
    }
}
