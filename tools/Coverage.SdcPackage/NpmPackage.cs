using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.SdcPackage;

/// <summary>
/// Writes a FHIR npm package (a gzipped tar with <c>package/package.json</c> and one <c>package/{Type}-{id}.json</c>
/// per resource, as published packages are laid out) byte for byte the same on every run: entries in name order, one
/// fixed modification time, no owner names.
/// </summary>
public static class NpmPackage
{
    private static readonly DateTimeOffset FixedTime = new(2022, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string path, JsonObject manifest, IReadOnlyList<Resource> resources)
    {
        var serializer = new BaseFhirJsonSerializer(ModelInfo.ModelInspector);
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["package/package.json"] = manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
        };
        foreach (var resource in resources) entries.Add($"package/{resource.TypeName}-{resource.Id}.json", serializer.SerializeToString(resource));

        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        foreach (var (name, text) in entries)
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
            {
                ModificationTime = FixedTime,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
            };
            tar.WriteEntry(entry);
        }
    }
}
