namespace Coverage.Engine.Catalogue;

/// <summary>What is wrong with a catalogue file: the file, the path inside it, and the reason.</summary>
public sealed record CatalogueError(string File, string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? $"{File}: {Message}" : $"{File}: {Path}: {Message}";
}

/// <summary>Thrown when the policy catalogue cannot be loaded; the program must not decide anything with it.</summary>
public sealed class CatalogueException : Exception
{
    public CatalogueException(IReadOnlyList<CatalogueError> errors)
        : base("The policy catalogue is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<CatalogueError> Errors { get; }
}
