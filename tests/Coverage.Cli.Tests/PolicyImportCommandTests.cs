namespace Coverage.Cli.Tests;

/// <summary>
/// coverage policy import and the validate of its draft, on the real policy sources (../shared/policy-sources):
/// the draft folder and its report are written; validate lists every unmapped criterion and exits 5; a document
/// that cannot be read is refused naming the file and why, exit 2, with nothing written to --out.
/// </summary>
public sealed class PolicyImportCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("coverage-cli-import-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Source(string name) => Path.Combine(CliRunner.RepositoryRoot, "..", "shared", "policy-sources", name);

    private const string Hifu = "anthem-cg-med-81-ultrasound-ablation-oncologic.txt";

    [Theory]
    [InlineData("aetna-cpb-layout.txt", "draft: policy 0917 ", "2 statements (3 criteria to map to facts), 4 procedure codes, 1 diagnosis code")]
    [InlineData("uhc-layout.txt", "draft: policy 2025T0999A ", "2 statements (3 criteria to map to facts), 3 procedure codes, 2 diagnosis codes")]
    [InlineData("anthem-med-layout.txt", "draft: policy MED.00999 ", "2 statements (2 criteria to map to facts), 1 procedure code, 1 diagnosis code")]
    [InlineData("medicare-lcd-layout.txt", "draft: policy L99999 ", "2 statements (2 criteria to map to facts), 2 procedure codes, 1 diagnosis code")]
    public void Import_AnotherPayersLayout_WritesItsDraftAndValidateReadsIt(string fixture, string drafted, string counts)
    {
        // Named as a catalogue names policy folders, "<id>-<words>", so that validate reads it where it is.
        var output = Path.Combine(_temp, drafted.Split(' ')[2] + "-draft");
        var document = Path.Combine(CliRunner.RepositoryRoot, "tests", "Coverage.Import.Tests", "Fixtures", "Layouts", fixture);
        var result = CliRunner.Run("policy", "import", document, "--out", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(drafted, result.Stdout, StringComparison.Ordinal);
        Assert.Contains(counts, result.Stdout, StringComparison.Ordinal);
        // The draft reads as a draft (exit 5: criteria to map), not as broken files (exit 1).
        Assert.Equal(5, CliRunner.Run("policy", "validate", output).ExitCode);
    }

    [Fact]
    public void Import_0540_WritesTheDraftFolderAndItsReport()
    {
        var output = Path.Combine(_temp, "0540-draft");
        var result = CliRunner.Run("policy", "import", Source("cigna-0540-ablative-treatments-malignant-breast-tumors.txt"), "--out", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("draft: policy 0540 \"Ablative Treatments for Malignant Breast Tumors\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 procedure codes", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("4 versions, 31 references, 1 device", result.Stdout, StringComparison.Ordinal);
        foreach (var file in new[] { "policy.yaml", "references.yaml", "import-report.md", "import-report.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        var policy = File.ReadAllText(Path.Combine(output, "policy.yaml"));
        Assert.Contains("status: draft", policy, StringComparison.Ordinal);
        Assert.Contains("- code: \"0971T\"  # line 61", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ADraft_ListsEveryUnmappedCriterionAndExitsFive()
    {
        var output = Path.Combine(_temp, "CG-MED-81-draft");
        Assert.Equal(0, CliRunner.Run("policy", "import", Source(Hifu), "--out", output).ExitCode);

        var result = CliRunner.Run("policy", "validate", output);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("cannot decide a case: 5 criteria not mapped to facts", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("criterion not mapped to facts: \"Age 18 years or older\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("versions[0].statements[0].otherwise", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ACatalogueHoldingADraft_FailsNamingIt()
    {
        var catalogue = Path.Combine(_temp, "catalogue");
        CopyFolder(Path.Combine(CliRunner.RepositoryRoot, "policies"), Path.Combine(catalogue, "policies"));
        CopyFolder(Path.Combine(CliRunner.RepositoryRoot, "plans"), Path.Combine(catalogue, "plans"));
        Assert.Equal(0, CliRunner.Run("policy", "import", Source(Hifu), "--out", Path.Combine(catalogue, "policies", "CG-MED-81-draft")).ExitCode);

        var result = CliRunner.Run("policy", "validate", catalogue);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CG-MED-81-draft/policy.yaml: status: the policy is a draft", result.Stderr, StringComparison.Ordinal);
        // And nothing can be evaluated with it.
        Assert.Equal(3, CliRunner.Run("--catalogue", catalogue, "evaluate", CliRunner.Sample("cryoablation-prior-auth.json")).ExitCode);
    }

    [Fact]
    public void Import_AnUnreadablePdf_IsRefusedAndWritesNothing()
    {
        var pdf = Path.Combine(_temp, "policy.pdf");
        File.WriteAllBytes(pdf, [.. "%PDF-1.4\n"u8.ToArray(), .. Enumerable.Repeat((byte)'x', 500)]);
        var output = Path.Combine(_temp, "out");

        var result = CliRunner.Run("policy", "import", pdf, "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot import {pdf}:", result.Stderr, StringComparison.Ordinal);
        Assert.Matches("not a readable PDF|damaged PDF|without pages|without a text layer", result.Stderr);
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetDirectories(_temp));
    }

    [Fact]
    public void Import_IntoAFolderThatHoldsFiles_IsRefusedUnlessForced()
    {
        var output = Path.Combine(_temp, "CG-MED-81-draft");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "the analyst's notes");

        var refused = CliRunner.Run("policy", "import", Source(Hifu), "--out", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("is not empty; choose a new folder, or replace it with --force", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFiles(output).Select(Path.GetFileName));

        var forced = CliRunner.Run("policy", "import", Source(Hifu), "--out", output, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.False(File.Exists(Path.Combine(output, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(output, "policy.yaml")));
    }

    /// <summary>An --out that cannot be a folder is the command line's fault, said as such: never "the importer failed on this document".</summary>
    [Theory]
    [InlineData("", "is a file; --out names the folder to write the draft to")]
    [InlineData("sub", "cannot be written")]
    public void Import_ToAnOutThatCannotBeAFolder_ExitsTwoNamingIt(string below, string reason)
    {
        var file = Path.Combine(_temp, "a-file");
        File.WriteAllText(file, "not a folder");
        var output = below.Length == 0 ? file : Path.Combine(file, below);

        var result = CliRunner.Run("policy", "import", Source(Hifu), "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot write the draft of {Source(Hifu)} to {output}: {reason}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("importer failed", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(file));
        Assert.Single(Directory.GetFileSystemEntries(_temp));
    }

    [Theory]
    [InlineData("policy.docx", "'.docx' is not a document the importer reads (.txt or .pdf)")]
    [InlineData("missing.txt", "no such file")]
    public void Import_AFileItCannotRead_ExitsTwoNamingIt(string name, string reason)
    {
        var path = Path.Combine(_temp, name);
        if (name.EndsWith(".docx", StringComparison.Ordinal)) File.WriteAllText(path, "PK");

        var result = CliRunner.Run("policy", "import", path, "--out", Path.Combine(_temp, "out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot import {path}: {reason}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ACompletedPolicyFolder_ExitsZeroAndOnlyOnceItsDraftStatusIsGone()
    {
        // The hand-written CG-MED-81 is what an analyst makes of the draft: nothing is missing.
        var folder = Path.Combine(_temp, "CG-MED-81-ultrasound-ablation-oncologic");
        CopyFolder(Path.Combine(CliRunner.RepositoryRoot, "catalogues", "with-related-resources", "policies", "CG-MED-81-ultrasound-ablation-oncologic"), folder);
        var policy = Path.Combine(folder, "policy.yaml");
        File.WriteAllText(policy, "status: draft\n" + File.ReadAllText(policy));

        var stillMarked = CliRunner.Run("policy", "validate", folder);
        Assert.Equal(5, stillMarked.ExitCode);
        Assert.Contains("0 criteria not mapped to facts, 0 other items to complete, status: draft", stillMarked.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing is missing: remove \"status: draft\"", stillMarked.Stdout, StringComparison.Ordinal);

        File.WriteAllText(policy, File.ReadAllText(policy).Replace("status: draft\n", "", StringComparison.Ordinal));
        var complete = CliRunner.Run("policy", "validate", folder);
        Assert.Equal(0, complete.ExitCode);
        Assert.Contains("ok: policy CG-MED-81 is complete", complete.Stdout, StringComparison.Ordinal);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
