using System.Runtime.InteropServices;

namespace Coverage.Cli;

/// <summary>
/// Whether two paths name the same file, so that a command never writes over a file it reads. A symbolic link is
/// followed to its target; a hard link is not a link to follow but a second name of the same inode, so comparing
/// paths, even resolved ones, misses it (an --adjustments hard-linked to the input truncated the input). Files that
/// exist are compared by device and inode; a path not yet written has no inode and is compared by its full path.
/// </summary>
/// <remarks>
/// .NET exposes no inode (its FileStatus is internal), and stat's struct differs from one architecture to another, so
/// the identity comes from Linux's statx, whose struct has one layout everywhere. Where statx is not there (another
/// operating system, an older C library) the comparison falls back to the resolved paths, as before.
/// </remarks>
internal static class FileIdentity
{
    public static bool Same(string a, string b) =>
        Of(a) is { } x && Of(b) is { } y ? x == y : string.Equals(TruePath(a), TruePath(b), StringComparison.Ordinal);

    /// <summary>The file's device and inode, or null when it does not exist or they cannot be read here.</summary>
    public static (uint DeviceMajor, uint DeviceMinor, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            // Symbolic links are followed (no AT_SYMLINK_NOFOLLOW): the file written is the link's target.
            return Statx(AtCurrentDirectory, path, 0, StatxInode, out var status) == 0
                ? (status.DeviceMajor, status.DeviceMinor, status.Inode)
                : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The file a path names, through a symbolic link (resolving a path that does not exist yet throws, so it is its own).</summary>
    private static string TruePath(string path)
    {
        var full = Path.GetFullPath(path);
        var file = new FileInfo(full);
        return file.LinkTarget is null ? full : file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    private const int AtCurrentDirectory = -100; // AT_FDCWD: a relative path is taken from the working directory
    private const uint StatxInode = 0x100; // STATX_INO; the device numbers are always filled in

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>struct statx (linux/stat.h): 256 bytes, the same offsets on every architecture; only these fields are read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(32)] public ulong Inode; // stx_ino
        [FieldOffset(136)] public uint DeviceMajor; // stx_dev_major
        [FieldOffset(140)] public uint DeviceMinor; // stx_dev_minor
    }
}
