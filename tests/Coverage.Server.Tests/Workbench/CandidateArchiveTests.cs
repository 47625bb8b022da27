using System.IO.Compression;
using System.Text;
using Coverage.Server.Workbench;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// An uploaded candidate catalogue is unpacked safely: nothing outside its folder (absolute paths, "..", drive names,
/// links), bounded by what it unpacks to (a zip bomb stops at the limit), whole (no catalogue.yaml that could extend a
/// server folder), and found at the archive's root or in its one top folder.
/// </summary>
public sealed class CandidateArchiveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-archive-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Into => Path.Combine(_folder, "into");

    private static MemoryStream Zip(params (string Name, byte[] Content, int? UnixMode)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content, mode) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
                if (mode is { } unix) entry.ExternalAttributes = unix << 16;
                using var to = entry.Open();
                to.Write(content);
            }
        stream.Position = 0;
        return stream;
    }

    private static (string, byte[], int?) File(string name, string text = "x: 1\n") => (name, Encoding.UTF8.GetBytes(text), null);

    [Theory]
    [InlineData("../outside.yaml", "climbs out of its folder")]
    [InlineData("policies/../../outside.yaml", "climbs out of its folder")]
    [InlineData("/etc/outside.yaml", "is an absolute path")]
    [InlineData("C:/outside.yaml", "names a drive")]
    [InlineData("..\\outside.yaml", "climbs out of its folder")]
    public void AnEntryThatWouldLeaveTheFolder_IsRefusedAndNothingIsWrittenOutside(string name, string reason)
    {
        var (root, problem) = CandidateArchive.Extract(Zip(File("policies/a/policy.yaml"), File(name)), Into);
        Assert.Null(root);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(_folder, "outside.yaml")));
    }

    [Fact]
    public void ALink_IsRefused()
    {
        var (root, problem) = CandidateArchive.Extract(Zip(File("policies/a/policy.yaml"), ("policies/b", Encoding.UTF8.GetBytes("/etc/passwd"), 0xA1FF)), Into);
        Assert.Null(root);
        Assert.Contains("is a link", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AZipBomb_StopsAtTheLimitOfWhatItUnpacksTo()
    {
        var zeros = new byte[CandidateArchive.MaxEntryBytes + 1];
        using var bomb = Zip(File("policies/a/policy.yaml"), ("policies/a/huge.yaml", zeros, null));
        Assert.True(bomb.Length < 1024 * 1024, "the archive itself is small");
        var (root, problem) = CandidateArchive.Extract(bomb, Into);
        Assert.Null(root);
        Assert.Contains("unpacks to more than 10 MB", problem, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(Into, "policies", "a", "huge.yaml")).Length <= CandidateArchive.MaxEntryBytes);
    }

    [Fact]
    public void TooManyEntries_AreRefused()
    {
        var entries = Enumerable.Range(0, CandidateArchive.MaxEntries + 1).Select(i => File($"policies/p{i}.yaml")).ToArray();
        var (root, problem) = CandidateArchive.Extract(Zip(entries), Into);
        Assert.Null(root);
        Assert.Contains("entries", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("catalogue.yaml", "must be whole")]
    [InlineData("notes/readme.md", "holds no catalogue")]
    public void AnArchiveThatIsNotAWholeCatalogue_IsRefused(string name, string reason)
    {
        var (root, problem) = CandidateArchive.Extract(Zip(File(name, "extends: ../../\n")), Into);
        Assert.Null(root);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// Names the file system cannot take as written — a file where a later entry needs a folder, a folder where a later
    /// entry is a file, a name longer than a file name may be — are a sentence for the analyst, not an exception (a 500).
    /// </summary>
    [Theory]
    [InlineData("policies/a", "policies/a/policy.yaml")]
    [InlineData("policies/a/", "policies/a")]
    [InlineData("policies/a/policy.yaml", "policies/a/policy.yaml/b.yaml")]
    [InlineData("policies/a/policy.yaml", "policies/LONG/x.yaml")]
    public void EntriesTheFileSystemCannotHoldAsNamed_AreRefusedSayingSo(string first, string second)
    {
        second = second.Replace("LONG", new string('n', 300), StringComparison.Ordinal);
        var (root, problem) = CandidateArchive.Extract(Zip(File(first), File(second)), Into);
        Assert.Null(root);
        Assert.Contains("cannot be unpacked as it is named", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatIsNotAZip_IsRefusedSayingSo()
    {
        var (root, problem) = CandidateArchive.Extract(new MemoryStream(Encoding.UTF8.GetBytes("policies: not a zip")), Into);
        Assert.Null(root);
        Assert.Contains("is not a zip archive", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "into")]
    [InlineData("my-catalogue/", "my-catalogue")]
    public void ACatalogue_AtTheRootOrInItsOneTopFolder_IsFound(string prefix, string rootName)
    {
        var (root, problem) = CandidateArchive.Extract(Zip(File(prefix + "policies/a/policy.yaml"), File(prefix + "plans/standard.yaml")), Into);
        Assert.Null(problem);
        Assert.Equal(rootName, Path.GetFileName(root));
        Assert.True(System.IO.File.Exists(Path.Combine(root!, "plans", "standard.yaml")));
    }
}
