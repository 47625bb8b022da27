namespace Coverage.Server.Security;

/// <summary>
/// Files only the server's own user may read: the SQLite database (member data) and the Data Protection
/// keys (which sign in reviewers). Folders 0700, files 0600 on Unix; elsewhere the platform's ACLs apply.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder (0700) if it is missing; a folder the server creates is never readable by others.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (!Directory.Exists(path)) Directory.CreateDirectory(path, PrivateFolderMode);
    }

    /// <summary>Creates the file empty with 0600 if it is missing, else narrows its mode to 0600.</summary>
    public static void CreateOrRestrictFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFileMode });
            return;
        }
        Restrict(path);
    }

    /// <summary>Narrows an existing file's mode to 0600 (owner read and write).</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        File.SetUnixFileMode(path, PrivateFileMode);
    }

    /// <summary>Writes a file that is never readable by others, not even for a moment (written aside, then moved into place).</summary>
    public static void Write(string path, byte[] content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFileMode;
        using (var stream = new FileStream(temporary, options))
            stream.Write(content);
        File.Move(temporary, path, overwrite: true);
    }
}
