namespace Coverage.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran and found a problem (an invalid catalogue under validate).</summary>
    public const int Failed = 1;
    /// <summary>The input or the command line is wrong; nothing was decided.</summary>
    public const int InputError = 2;
    /// <summary>The catalogue could not be loaded, so nothing can be decided.</summary>
    public const int CatalogueError = 3;
    /// <summary>The case store could not be read (coverage report).</summary>
    public const int StoreError = 4;
    /// <summary>
    /// policy validate of a draft policy folder: the files read as a draft, and it cannot decide a case yet (criteria
    /// not mapped to facts, items only an analyst can supply, or "status: draft" still set).
    /// </summary>
    public const int Draft = 5;
    /// <summary>
    /// policy import: the importer itself failed on the document (a fault of the importer, not of the document);
    /// the message names the file and the error, and nothing is written. Reported rather than shown as a stack trace.
    /// </summary>
    public const int ImporterFault = 6;
}
