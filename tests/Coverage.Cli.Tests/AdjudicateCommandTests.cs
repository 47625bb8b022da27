using System.Text.Json;

namespace Coverage.Cli.Tests;

/// <summary>`coverage adjudicate` (docs/batch.md): outputs, summary, exit codes.</summary>
public sealed class AdjudicateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-cli-batch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("claims-small.837")]
    [InlineData("claims-small.csv")]
    [InlineData("claims-small.ndjson")]
    public void Adjudicate_SampleFile_WritesTheOutputsAndExitsOneForTheBadRecord(string sample)
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample(sample), "--out", File("results.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.StartsWith($"Adjudicated {CliRunner.Sample(sample)}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("claims:         7 decided, 1 rejected record", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("lines/s", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(7, System.IO.File.ReadAllLines(File("results.ndjson")).Length);
        Assert.Equal(12, System.IO.File.ReadAllLines(File("results.adjustments.csv")).Length);
        var error = JsonDocument.Parse(Assert.Single(System.IO.File.ReadAllLines(File("results.errors.ndjson")))).RootElement;
        Assert.Equal("CLM0000003", error.GetProperty("claimId").GetString());
    }

    /// <summary>A line charge that is not an amount (SV102 here) is a bad record like any other unreadable element: reported, the rest decided.</summary>
    [Fact]
    public void Adjudicate_837WithAChargeThatIsNotAnAmount_RejectsThatClaimAndDecidesTheRest()
    {
        var input = File("bad-charge.837");
        var text = System.IO.File.ReadAllText(CliRunner.Sample("claims-small.837"));
        Assert.Contains("SV1*HC:99214*210*UN", text, StringComparison.Ordinal);
        System.IO.File.WriteAllText(input, text.Replace("SV1*HC:99214*210*UN", "SV1*HC:99214*2I0*UN", StringComparison.Ordinal));

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("claims:         6 decided, 2 rejected records", result.Stdout, StringComparison.Ordinal);
        var errors = System.IO.File.ReadAllLines(File("results.errors.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["CLM0000002", "CLM0000003"], errors.Select(e => e.GetProperty("claimId").GetString()));
        Assert.Contains("SV102: '2I0' is not an amount", errors[0].GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(System.IO.File.ReadAllLines(File("results.ndjson")), l => l.Contains("CLM0000002", StringComparison.Ordinal));
    }

    [Fact]
    public void Adjudicate_NothingRejected_ExitsZeroAndNamesTheErrorsFile()
    {
        var input = File("good.ndjson");
        System.IO.File.WriteAllLines(input, System.IO.File.ReadLines(CliRunner.Sample("claims-small.ndjson")).Where(l => !l.Contains("CLM0000003", StringComparison.Ordinal)));

        var result = CliRunner.Run("adjudicate", input, "--out", File("out/results.ndjson"), "--errors", File("out/rejected.ndjson"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 rejected records", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rejected.ndjson (none)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", System.IO.File.ReadAllText(File("out/rejected.ndjson")));
    }

    [Fact]
    public void Adjudicate_Resume_OfACompleteRunSaysSoAndDecidesNothing()
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"));
        var before = System.IO.File.ReadAllText(File("results.ndjson"));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"), "--resume");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already complete", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllText(File("results.ndjson")));
    }

    [Fact]
    public void Adjudicate_InputFormatOption_OverridesTheExtension()
    {
        var input = File("claims.txt");
        System.IO.File.Copy(CliRunner.Sample("claims-small.csv"), input);

        var result = CliRunner.Run("adjudicate", input, "--input-format", "csv", "--out", File("results.ndjson"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(csv)", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claims-small.837", "(837)")]
    [InlineData("claims-small.ndjson", "(ndjson)")]
    public void Adjudicate_UnknownExtension_TakesTheFormatFromTheContent(string sample, string format)
    {
        var input = File("claims.dat");
        System.IO.File.Copy(CliRunner.Sample(sample), input);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Contains(format, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_WithoutOut_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_MissingInput_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", File("nowhere.837"), "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_InputThatIsADirectory_SaysItIsADirectory()
    {
        // File.Exists is false for a directory: it was reported as "does not exist", a folder the operator can see.
        var result = CliRunner.Run("adjudicate", _folder, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"the input '{_folder}' is a directory, not a file", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_PlanMapThatIsADirectory_SaysItIsADirectory()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--plan-map", _folder);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"the plan map '{_folder}' is a directory, not a file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_CatalogueProblemsArePrintedBounded()
    {
        var catalogue = PolicyCommandTests.CatalogueWithAMegabyteValue();
        try
        {
            var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--catalogue", catalogue);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("more characters)", result.Stderr, StringComparison.Ordinal);
            Assert.True(result.Stderr.Length < 3 * CatalogueProblems.MaxLength, $"{result.Stderr.Length} characters");
        }
        finally
        {
            Directory.Delete(catalogue, recursive: true);
        }
    }

    [Fact]
    public void Adjudicate_WithAck_WritesTheX12999OfTheInput()
    {
        var ack = File("ack.999");

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--ack", ack);

        Assert.Equal(1, result.ExitCode); // the sample has one malformed record
        var segments = System.IO.File.ReadAllText(ack).Split('~', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ISA*", segments[0], StringComparison.Ordinal);
        Assert.Contains("ST*999*0001*005010X231A1", segments);
        Assert.Contains(segments, s => s.StartsWith("AK9*", StringComparison.Ordinal));
    }

    [Fact]
    public void Adjudicate_AckOfACsvFile_IsAUsageError()
    {
        var input = File("claims.csv");
        System.IO.File.WriteAllText(input, "claim_id,line,member_id,birth_date,plan_id,diagnoses,date_of_service,code,modifiers,description,units\nC1,1,M1,,,C50.411,2026-05-04,0581T,,,1\n");

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"), "--ack", File("ack.999"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("acknowledges X12 input only", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_UnrecognisableFormat_IsAUsageError()
    {
        var input = File("claims.dat");
        System.IO.File.WriteAllText(input, "hello\n");

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("its content is none of the claim formats", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claims.837", "")]
    [InlineData("claims.837", "\r\n  \r\n")]
    [InlineData("claims.csv", "")]
    [InlineData("claims.dat", "")]
    public void Adjudicate_EmptyInput_IsAUsageErrorWhateverItsName(string name, string content)
    {
        var input = File(name);
        System.IO.File.WriteAllText(input, content);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it is empty: there are no claims to decide", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claims.837", "hello, this is not X12\n", "it should be an X12 837 file")]
    [InlineData("claims.837", "{\"requestId\": \"R1\"}\n", "its content is NDJSON")]
    [InlineData("claims.ndjson", "ISA*00*", "its content is an X12 837 file")]
    public void Adjudicate_ContentThatIsNotWhatItsNameSays_IsAUsageError(string name, string content, string message)
    {
        var input = File(name);
        System.IO.File.WriteAllText(input, content);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_Utf16WithoutAByteOrderMark_SaysSo()
    {
        var input = File("claims.837");
        System.IO.File.WriteAllBytes(input, System.Text.Encoding.Unicode.GetBytes(System.IO.File.ReadAllText(CliRunner.Sample("claims-small.837"))));

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it is UTF-16 (little-endian) text, which is not read: convert it to UTF-8", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_Utf32_IsRefusedNamingUtf32()
    {
        var input = File("claims.837");
        System.IO.File.WriteAllBytes(input, [.. System.Text.Encoding.UTF32.GetPreamble(), .. System.Text.Encoding.UTF32.GetBytes(System.IO.File.ReadAllText(CliRunner.Sample("claims-small.837")))]);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        // Its byte order mark begins like UTF-16's: it was called UTF-16.
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it is UTF-32 (little-endian) text, which is not read: convert it to UTF-8", result.Stderr, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(File("results.ndjson")));
    }

    [Theory]
    [InlineData("claims-small.837")]
    [InlineData("claims-small.csv")]
    [InlineData("claims-small.ndjson")]
    public void Adjudicate_Utf8WithAByteOrderMark_IsDecidedAsWithout(string sample)
    {
        var input = File(sample);
        System.IO.File.WriteAllBytes(input, [0xEF, 0xBB, 0xBF, .. System.IO.File.ReadAllBytes(CliRunner.Sample(sample))]);
        var plain = CliRunner.Run("adjudicate", CliRunner.Sample(sample), "--out", File("plain.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        var result = CliRunner.Run("adjudicate", input, "--out", File("bom.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        Assert.Equal(1, result.ExitCode); // the sample's one bad record, as without the mark
        Assert.Equal(plain.ExitCode, result.ExitCode);
        Assert.Equal(System.IO.File.ReadAllText(File("plain.adjustments.csv")), System.IO.File.ReadAllText(File("bom.adjustments.csv")));
        Assert.Equal(System.IO.File.ReadAllText(File("plain.errors.ndjson")), System.IO.File.ReadAllText(File("bom.errors.ndjson")));
    }

    [Fact]
    public void Adjudicate_BadInputFormatValue_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--input-format", "xml", "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Adjudicate_CsvWithoutTheRequiredColumns_IsAUsageError()
    {
        var input = File("claims.csv");
        System.IO.File.WriteAllText(input, "claim_id,code\nC1,0581T\n");

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("date_of_service", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_PlanMapNamingAnUnknownPlan_IsAUsageError()
    {
        var map = File("plans.csv");
        System.IO.File.WriteAllText(map, "100200,gold\n");

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--plan-map", map);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown plans gold", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A group number with a stray byte read as U+FFFD matched no claim, so that group's claims were silently decided
    /// under the default plan; the map is now read exactly or refused.
    /// </summary>
    [Fact]
    public void Adjudicate_PlanMapThatIsNotUtf8_IsAUsageErrorSayingWhere()
    {
        var map = File("plans.csv");
        System.IO.File.WriteAllBytes(map, [.. "group_number,plan_id\n1003"u8, 0xB1, .. "0,example-fda-cryo-rider\n"u8]);

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--plan-map", map);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"the plan map '{map}' is not UTF-8 text (byte 26 is not part of a UTF-8 character)", result.Stderr, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(File("results.ndjson")));
    }

    [Fact]
    public void Adjudicate_OutputsThatCollide_AreAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--errors", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--out '{File("results.ndjson")}' and --errors '{File("results.ndjson")}' are the same file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_AnOutputThatIsASymlinkToTheInput_IsAUsageError_AndTheInputIsKept()
    {
        // The paths differ, the file is the same: --adjustments through a link truncated the input it was reading.
        var input = File("claims.837");
        System.IO.File.Copy(CliRunner.Sample("claims-small.837"), input);
        var before = System.IO.File.ReadAllBytes(input);
        System.IO.File.CreateSymbolicLink(File("adjustments.csv"), input);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"), "--adjustments", File("adjustments.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--adjustments '{File("adjustments.csv")}' is the input", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllBytes(input));
    }

    [Fact]
    public void Adjudicate_AnOutputThatIsAHardLinkToTheInput_IsAUsageError_AndTheInputIsKept()
    {
        // A hard link is no link to follow: another name of the same inode, which comparing paths missed, and the
        // adjustments header was written over the claims being read.
        var input = File("claims.837");
        System.IO.File.Copy(CliRunner.Sample("claims-small.837"), input);
        var before = System.IO.File.ReadAllBytes(input);
        FileIdentityTests.HardLink(input, File("adjustments.csv"));

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"), "--adjustments", File("adjustments.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--adjustments '{File("adjustments.csv")}' is the input '{input}' (the same file)", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllBytes(input));
    }

    [Fact]
    public void Adjudicate_AckThatIsTheInput_IsAUsageError_AndTheInputIsKept()
    {
        // The 999 was written after the run, over the input it then read again: the claims file became an empty 999.
        var input = File("claims.837");
        System.IO.File.Copy(CliRunner.Sample("claims-small.837"), input);
        var before = System.IO.File.ReadAllBytes(input);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"), "--ack", input);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--ack '{input}' is the input", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllBytes(input));
        Assert.False(System.IO.File.Exists(File("results.ndjson")));
    }

    [Fact]
    public void Adjudicate_InputNamedLikeTheCheckpoint_IsAUsageError_AndTheInputIsKept()
    {
        // The checkpoint is renamed over RESULTS.checkpoint: an input of that name was replaced by it.
        var input = File("results.ndjson.checkpoint");
        System.IO.File.Copy(CliRunner.Sample("claims-small.837"), input);
        var before = System.IO.File.ReadAllBytes(input);

        var result = CliRunner.Run("adjudicate", input, "--input-format", "837", "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"the checkpoint '{input}' is the input", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllBytes(input));
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--adjustments")]
    [InlineData("--errors")]
    [InlineData("--ack")]
    public void Adjudicate_AnOutputThatIsADirectory_IsAUsageErrorBeforeAnythingIsDecided(string option)
    {
        var folder = Directory.CreateDirectory(File("a-folder")).FullName;
        string[] outputs = option == "--out" ? ["--out", folder] : ["--out", File("results.ndjson"), option, folder];

        var result = CliRunner.Run(["adjudicate", CliRunner.Sample("claims-small.837"), .. outputs]);

        // It was "Access to the path is denied" with advice to resume, and for --ack an unhandled exception once
        // every claim had been decided.
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"coverage: adjudicate: {option} '{folder}' is a directory; name the file to write\n", result.Stderr.ReplaceLineEndings("\n"));
        Assert.False(System.IO.File.Exists(File("results.ndjson")));
    }

    [Fact]
    public void Adjudicate_ErrorsToAFullDevice_IsAnIOErrorSaidClearly_AndTheInputIsKept()
    {
        if (!OperatingSystem.IsLinux()) return; // /dev/full: every write fails with ENOSPC, as on a full disk
        var input = File("claims.837");
        System.IO.File.Copy(CliRunner.Sample("claims-small.837"), input);
        var before = System.IO.File.ReadAllBytes(input);

        // The sample's one rejected record is the first write to the errors file.
        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"), "--errors", "/dev/full");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("writing the outputs failed: No space left on device", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("run again with --resume", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllBytes(input));
    }

    [Fact]
    public void Adjudicate_AdjustmentsToAFullDevice_CannotBeWritten_AndNothingIsDecided()
    {
        if (!OperatingSystem.IsLinux()) return;

        // The adjustments header is written when the file is opened: the run stops before deciding anything.
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--adjustments", "/dev/full");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot write /dev/full: No space left on device", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was decided", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Adjudicate_AckToAFullDevice_IsAnIOErrorAfterTheCompleteOutputs()
    {
        if (!OperatingSystem.IsLinux()) return;

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--ack", "/dev/full");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot write the acknowledgment /dev/full: No space left on device", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(7, System.IO.File.ReadAllLines(File("results.ndjson")).Length);
    }

    [Fact]
    public void Adjudicate_OutputsToDevNull_AreDiscarded_AndTheRunCompletes()
    {
        if (!OperatingSystem.IsLinux()) return;

        // A device has no length to cut: truncating /dev/null failed with EINVAL ("Invalid argument").
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--errors", "/dev/null");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Equal(7, System.IO.File.ReadAllLines(File("results.ndjson")).Length);
        Assert.Equal(12, System.IO.File.ReadAllLines(File("results.adjustments.csv")).Length);
    }

    [Fact]
    public void Adjudicate_ResumeOfAnotherInput_IsAUsageError()
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.ndjson"), "--out", File("results.ndjson"), "--resume");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("run without --resume to start over", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"results\": {", "\"results\": null, \"was\": {", "it names no results file")] // was a NullReferenceException
    [InlineData("\"records\": 8", "\"records\": -8", "records -8 is negative")] // decided every claim again after those written
    [InlineData("\"complete\": true", "\"complete\": tru", "cannot be read")]
    public void Adjudicate_ResumeWithATamperedCheckpoint_IsAUsageErrorNamingWhatIsWrong(string from, string to, string message)
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"));
        var checkpoint = File("results.ndjson.checkpoint");
        var text = System.IO.File.ReadAllText(checkpoint);
        Assert.Contains(from, text, StringComparison.Ordinal);
        System.IO.File.WriteAllText(checkpoint, text.Replace(from, to, StringComparison.Ordinal));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--resume");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"coverage: adjudicate: the checkpoint {checkpoint} ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Adjudicate_ResultsCompact_WritesCompactDeterminationsAndTheSameAdjustments()
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("full.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("compact.ndjson"), "--results", "compact",
            "--plan-map", CliRunner.Sample("plan-map.csv"));

        Assert.Equal(1, result.ExitCode);
        var compact = System.IO.File.ReadAllLines(File("compact.ndjson"));
        var full = System.IO.File.ReadAllLines(File("full.ndjson"));
        Assert.Equal(full.Length, compact.Length);
        for (var i = 0; i < full.Length; i++)
        {
            var c = JsonDocument.Parse(compact[i]).RootElement;
            var f = JsonDocument.Parse(full[i]).RootElement;
            Assert.Equal(f.GetProperty("requestId").GetString(), c.GetProperty("requestId").GetString());
            Assert.Equal(f.GetProperty("outcome").GetString(), c.GetProperty("outcome").GetString());
            Assert.False(c.GetProperty("lines")[0].TryGetProperty("rationale", out _));
            Assert.True(compact[i].Length < full[i].Length);
        }
        Assert.Equal(System.IO.File.ReadAllText(File("full.adjustments.csv")), System.IO.File.ReadAllText(File("compact.adjustments.csv")));
    }

    [Fact]
    public void Adjudicate_ResumeWithAnotherResultsMode_IsAUsageErrorNamingTheMode()
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"), "--resume", "--results", "compact");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("wrote full results", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("resume it with --results full", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_UnknownResultsMode_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"), "--results", "brief");

        Assert.Equal(2, result.ExitCode);
        Assert.False(System.IO.File.Exists(File("results.ndjson")));
    }

    // ------------------------------------------------------------ criteria-based policies (clinical facts)

    private static string WithRelatedResources => Path.Combine(CliRunner.RepositoryRoot, "catalogues", "with-related-resources");

    /// <summary>The facts CG-MED-81's HIFU criteria read (ageYears is derived from the birth date).</summary>
    private static readonly string[] HifuFacts =
        ["lesionDistanceFromSkinAndNervesCm", "mirelsScore", "increasedFractureRisk", "requiresSurgicalStabilization", "clinicallySignificantComorbidities", "painRefractoryToRadiation"];

    /// <summary>The first line of each claim's determination, by claim id.</summary>
    private Dictionary<string, JsonElement> Results(string file) =>
        System.IO.File.ReadAllLines(File(file)).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToDictionary(r => r.GetProperty("requestId").GetString()!, r => r.GetProperty("lines")[0]);

    [Fact]
    public void Adjudicate_NdjsonClaimWithClinicalFacts_DecidesTheCriteriaLineAndAsksForThemWithout()
    {
        const string claim = """{"requestId":"H1","kind":"claim","member":{"id":"M1","birthDate":"1960-03-01","planId":"standard"},"dateOfService":"2026-03-20","diagnoses":["C79.51"],"serviceLines":[{"sequence":1,"code":"C9734","units":1}]""";
        const string facts = ""","clinical":{"lesionDistanceFromSkinAndNervesCm":2.5,"mirelsScore":6,"requiresSurgicalStabilization":false,"clinicallySignificantComorbidities":false,"painRefractoryToRadiation":true}""";
        var input = File("hifu.ndjson");
        System.IO.File.WriteAllLines(input, [claim + facts + "}", claim.Replace("\"H1\"", "\"H2\"", StringComparison.Ordinal) + "}"]);

        var result = CliRunner.Run("--catalogue", WithRelatedResources, "adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("line outcomes:  covered 1, information-required 1", result.Stdout, StringComparison.Ordinal);
        var lines = Results("results.ndjson");
        Assert.Equal("covered", lines["H1"].GetProperty("outcome").GetString());
        Assert.Equal("CG-MED-81", lines["H1"].GetProperty("policy").GetProperty("id").GetString());
        Assert.Equal("information-required", lines["H2"].GetProperty("outcome").GetString());
        var needed = string.Join("\n", lines["H2"].GetProperty("informationNeeded").EnumerateArray().Select(n => n.GetString()));
        Assert.All(HifuFacts, fact => Assert.Contains($"({fact})", needed, StringComparison.Ordinal));
        Assert.Contains("H2,1,C9734,information-required,CO,16,M127,CG-MED-81", System.IO.File.ReadAllText(File("results.adjustments.csv")), StringComparison.Ordinal);
    }

    /// <summary>837P and CSV carry no clinical facts: a criteria line is information-required, naming the facts to send — never decided on a guess.</summary>
    [Theory]
    [InlineData("claims-small.837", "HI*ABK:D241~", "HI*ABK:C7951~", "SV1*HC:0581T:LT*", "SV1*HC:C9734*")]
    [InlineData("claims-small.csv", ",D24.1,2026-06-11,0581T,LT,", ",C79.51,2026-06-11,C9734,,")]
    public void Adjudicate_FormatWithoutClinicalFacts_LeavesTheCriteriaLineInformationRequired(string sample, params string[] replacements)
    {
        var text = System.IO.File.ReadAllText(CliRunner.Sample(sample));
        for (var i = 0; i < replacements.Length; i += 2)
        {
            Assert.Contains(replacements[i], text, StringComparison.Ordinal);
            text = text.Replace(replacements[i], replacements[i + 1], StringComparison.Ordinal);
        }
        var input = File("hifu" + Path.GetExtension(sample));
        System.IO.File.WriteAllText(input, text);

        CliRunner.Run("--catalogue", WithRelatedResources, "adjudicate", input, "--out", File("results.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        var line = Results("results.ndjson")["CLM0000001"];
        Assert.Equal("C9734", line.GetProperty("code").GetString());
        Assert.Equal("information-required", line.GetProperty("outcome").GetString());
        var needed = string.Join("\n", line.GetProperty("informationNeeded").EnumerateArray().Select(n => n.GetString()));
        Assert.All(HifuFacts, fact => Assert.Contains($"({fact})", needed, StringComparison.Ordinal));
    }
}
