namespace Coverage.Claims;

/// <summary>
/// The input cannot be read at all (a CSV file without the required columns), or a resumed run does not match
/// its checkpoint: nothing (more) can be decided. Bad records, by contrast, are rejected one by one.
/// </summary>
public sealed class ClaimFileException : Exception
{
    public ClaimFileException()
    {
    }

    public ClaimFileException(string message) : base(message)
    {
    }

    public ClaimFileException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
