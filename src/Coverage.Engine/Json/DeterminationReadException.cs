namespace Coverage.Engine.Json;

/// <summary>
/// A determination JSON that is not one <see cref="DeterminationWriter"/> writes: not JSON, a required field missing,
/// a field of the wrong type, an enumeration value the contract does not have, a field the contract does not have.
/// <see cref="Path"/> names where (lines[2].outcome). A stored determination is the record of a decision, so reading
/// it never fills a default for what is not there.
/// </summary>
public sealed class DeterminationReadException : FormatException
{
    public DeterminationReadException(string path, string problem, Exception? inner = null)
        : base($"The determination JSON cannot be read: {path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    public DeterminationReadException() : this("$", "unreadable") { }

    public DeterminationReadException(string message) : this("$", message) { }

    public DeterminationReadException(string message, Exception inner) : this("$", message, inner) { }

    /// <summary>Where in the JSON: $ for the whole, else a path such as lines[0].policy.id.</summary>
    public string Path { get; }

    /// <summary>What is wrong there.</summary>
    public string Problem { get; }
}
