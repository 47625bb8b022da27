namespace Coverage.Import;

/// <summary>The document cannot be imported: the file and the reason, said so a person can act on it.</summary>
public sealed class ImportException : Exception
{
    public ImportException(string file, string reason, Exception? inner = null)
        : base($"{file}: {reason}", inner)
    {
        File = file;
        Reason = reason;
    }

    public ImportException()
    {
        File = "";
        Reason = "";
    }

    public ImportException(string message) : base(message)
    {
        File = "";
        Reason = message;
    }

    public ImportException(string message, Exception innerException) : base(message, innerException)
    {
        File = "";
        Reason = message;
    }

    public string File { get; }
    public string Reason { get; }
}
