using Coverage.Engine.Catalogue;
using Coverage.Testing;

namespace Coverage.Import.Tests;

/// <summary>The policy sources beside the repository (../shared/policy-sources), and drafts imported from them into temporary folders.</summary>
internal static class Sources
{
    public const string Cigna0540 = "cigna-0540-ablative-treatments-malignant-breast-tumors.txt";
    public const string AnthemHifu = "anthem-cg-med-81-ultrasound-ablation-oncologic.txt";
    public const string BcbsLitt = "bcbsal-mp-728-litt-neurological-disorders.txt";

    public static string Path(string name) => System.IO.Path.Combine(RepositoryRoot.Path, "..", "shared", "policy-sources", name);

    public static string Text(string name) => File.ReadAllText(Path(name));

    /// <summary>The repository's catalogue (0540 and the sample plans), whose clinical facts drafts are read against.</summary>
    public static string Catalogue => RepositoryRoot.Path;

    public static string WithRelatedResources => System.IO.Path.Combine(RepositoryRoot.Path, "catalogues", "with-related-resources");

    /// <summary>Imports the document into a new folder named as a catalogue names policy folders, and reads it as a draft.</summary>
    public static (DraftPolicy Draft, DraftPolicyRead Read, string Folder) ImportAndRead(string file, TempFolder temp)
    {
        var draft = PolicyImporter.Import(file);
        var folder = System.IO.Path.Combine(temp.Path, draft.Number.Value + "-draft");
        DraftFolder.Write(folder, draft, File.ReadAllBytes(file), force: false);
        var read = CatalogueLoader.LoadDraft(folder, Catalogue);
        Assert.True(read.Errors.Count == 0, string.Join("\n", read.Errors));
        Assert.NotNull(read.Policy);
        return (draft, read, folder);
    }
}

/// <summary>A temporary folder, deleted with its contents when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("coverage-import-").FullName;

    public string File(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
