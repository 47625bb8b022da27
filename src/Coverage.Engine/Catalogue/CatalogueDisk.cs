namespace Coverage.Engine.Catalogue;

/// <summary>
/// The engine's one door to the file system: the catalogue's folders and YAML files, read when a catalogue is loaded
/// and written when a kept snapshot is restored. Everything else in the engine is pure — no file, clock, network,
/// environment or randomness — and the banned-API analyzer (BannedSymbols.txt) holds it to that; only this class
/// is allowed the file APIs, so that a file read cannot creep into evaluation unnoticed.
/// </summary>
internal static class CatalogueDisk
{
#pragma warning disable RS0030 // the file system, on purpose: see the summary
    public static bool FileExists(string path) => File.Exists(path);

    public static bool FolderExists(string path) => Directory.Exists(path);

    /// <summary>The folder's sub-folders (full paths), in ordinal order so that loading does not depend on the disk's order.</summary>
    public static IEnumerable<string> Folders(string path) => Directory.GetDirectories(path).Order(StringComparer.Ordinal);

    /// <summary>The folder's files matching the pattern (full paths), in no particular order: callers sort what they need.</summary>
    public static string[] Files(string path, string pattern, bool recursive = false) =>
        Directory.GetFiles(path, pattern, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);

    /// <summary>
    /// The file's text, read exactly: UTF-8, a byte order mark allowed; any other byte is a <see cref="CatalogueTextException"/>
    /// naming where it is. (Decoded leniently, a stray byte in a code list or a keyword became U+FFFD, and the policy
    /// loaded saying something other than its file.)
    /// </summary>
    public static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (Text.WideEncodings.Of(bytes) is { } encoding) throw new CatalogueTextException($"the file is {encoding} text; save it as UTF-8");
        var text = Text.Utf8Text.WithoutByteOrderMark(bytes);
        if (Text.Utf8Text.Problem(text) is { } problem) throw new CatalogueTextException($"the file {problem}");
        return System.Text.Encoding.UTF8.GetString(text);
    }

    public static byte[] ReadBytes(string path) => File.ReadAllBytes(path);

    /// <summary>Writes the file, creating its folder first.</summary>
    public static void Write(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
#pragma warning restore RS0030
}
