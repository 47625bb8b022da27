using System.Text.Json;
using Coverage.Claims.Batch;
using Coverage.SampleClaims;

namespace Coverage.Cli.Tests;

/// <summary>
/// `coverage impact` on real inputs: a generated 837P of 0540 claims re-decided under the 2025-04-15 revision and the
/// current catalogue (the laser lines and 0971T flip, nothing else), hand-written requests under a synthetic "cover
/// on-label cryoablation" candidate (the on-label lines and their billed total), bad catalogues and bad records.
/// </summary>
public sealed class ImpactCommandTests : IDisposable
{
    private const int Claims = 1500;
    private const int Seed = 19;
    private static readonly DateOnly FocusedReview = new(2025, 10, 15);
    private static readonly DateOnly Code0971TValid = new(2026, 1, 1);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-impact-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string FilePath(string name) => Path.Combine(_folder.FullName, name);

    private string Generated837()
    {
        var path = FilePath("claims.837");
        SyntheticClaimFile.Write(path, ClaimFileFormat.X12, Claims, Seed);
        return path;
    }

    private static bool IsLaser(SyntheticLine line) =>
        line.Code == "0971T" || (line.Code == "19499" && line.Description?.Contains("laser", StringComparison.OrdinalIgnoreCase) == true);

    private static bool IsMalignantBreast(string diagnosis) => diagnosis.StartsWith("C50", StringComparison.Ordinal) || diagnosis.StartsWith("D05", StringComparison.Ordinal) || diagnosis == "C79.81";

    [Fact]
    public void Revision_20250415_to_20251015_FindsExactlyTheLaserLinesThatFlip()
    {
        var input = Generated837();
        var linesFile = FilePath("changed.csv");
        var result = CliRunner.Run("impact", "--baseline", ImpactFixtures.AsOf20250415, "--claims", input,
            "--plan-map", CliRunner.Sample("plan-map.csv"), "--format", "json", "--lines", linesFile);

        // Bad records are reported, not fatal: exit 1, and every good claim compared.
        Assert.True(result.ExitCode == 1, result.Stderr);
        var claims = SyntheticClaims.Generate(Claims, Seed).ToList();
        var decided = claims.Where(c => !c.IsRejectedIn(ClaimFileFormat.X12)).ToList();
        using var json = JsonDocument.Parse(result.Stdout);
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(claims.Count - decided.Count, totals.GetProperty("rejected").GetInt64());
        Assert.Equal(decided.Sum(c => c.Lines.Count), totals.GetProperty("linesCompared").GetInt64());

        // The oracle, from the generator's own claims: a 0971T line flips once the code is valid (the 2025-04-15 version
        // does not list it, the later ones do); an unlisted 19499 described as laser ablation flips from the focused
        // review on when the diagnosis is a malignant breast tumor (before it, laser was not in the policy's scope).
        var expected = decided
            .SelectMany(c => c.Lines.Where(IsLaser).Select(l => (Claim: c, Line: l)))
            .Where(x => x.Line.Code == "0971T" ? x.Line.DateOfService >= Code0971TValid
                : x.Line.DateOfService >= FocusedReview && x.Claim.Diagnoses.Any(IsMalignantBreast))
            .Select(x => $"{x.Claim.ClaimId}#{x.Line.Sequence}")
            .ToHashSet(StringComparer.Ordinal);
        var rows = File.ReadAllLines(linesFile).Skip(1).Select(r => r.Split(',')).ToList();
        var changed = rows.Select(r => $"{r[0]}#{r[2]}").ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), changed.Order());
        Assert.All(rows, r => Assert.True(r[3] is "0971T" or "19499", string.Join(',', r)));

        // Billed (SV102 is charge × units) and members, from the generator, against the report.
        var lines = decided.SelectMany(c => c.Lines.Select(l => (Claim: c, Line: l))).Where(x => expected.Contains($"{x.Claim.ClaimId}#{x.Line.Sequence}")).ToList();
        Assert.Equal(lines.Count, totals.GetProperty("linesChanged").GetInt64());
        Assert.Equal(lines.Sum(x => x.Line.Charge * x.Line.Units), totals.GetProperty("billedAffected").GetDecimal());
        Assert.Equal(lines.Select(x => x.Claim.MemberId).Distinct().Count(), totals.GetProperty("membersAffected").GetInt64());

        // Every transition has sample lines with both traces; no member id appears anywhere in the report.
        var samples = json.RootElement.GetProperty("samples");
        Assert.Contains(samples.EnumerateArray(), s => s.GetProperty("transition").GetString() == "not-addressed → not-medically-necessary");
        Assert.All(samples.EnumerateArray(), s => Assert.All(s.GetProperty("lines").EnumerateArray(), l =>
        {
            Assert.NotEmpty(l.GetProperty("before").GetProperty("trace").EnumerateArray());
            Assert.NotEmpty(l.GetProperty("after").GetProperty("trace").EnumerateArray());
        }));
        Assert.DoesNotContain(claims, c => result.Stdout.Contains(c.MemberId, StringComparison.Ordinal) || File.ReadAllText(linesFile).Contains(c.MemberId, StringComparison.Ordinal));
    }

    [Fact]
    public void SameInput_GivesByteIdenticalJson_WhateverTheWorkers()
    {
        var input = Generated837();
        var one = CliRunner.Run("impact", "--baseline", ImpactFixtures.AsOf20250415, "--claims", input, "--format", "json", "--workers", "1");
        var two = CliRunner.Run("impact", "--baseline", ImpactFixtures.AsOf20250415, "--claims", input, "--format", "json", "--workers", "2");
        var again = CliRunner.Run("impact", "--baseline", ImpactFixtures.AsOf20250415, "--claims", input, "--format", "json", "--workers", "2");

        Assert.Equal(one.Stdout, two.Stdout);
        Assert.Equal(two.Stdout, again.Stdout);
        Assert.Contains("\"linesChanged\"", one.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CoverOnLabelCryoablation_FindsTheOnLabelLinesAndTheirBilledTotal()
    {
        var requests = FilePath("requests.ndjson");
        File.WriteAllLines(requests, ImpactFixtures.CryoablationRequests());
        var charges = FilePath("charges.csv");
        File.WriteAllText(charges, ImpactFixtures.CryoablationCharges);
        var linesFile = FilePath("changed.csv");

        var result = CliRunner.Run("--catalogue", ImpactFixtures.CoversOnLabelCryoablation, "impact", "--claims", requests, "--charges", charges,
            "--format", "json", "--lines", linesFile);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(6, totals.GetProperty("records").GetInt64());
        // The on-label lines are covered now; the indeterminate one (Ki-67 unknown) now needs information, as the rider
        // applies only on-label; the off-label one, the rider plan's and the microwave line do not change.
        var transitions = json.RootElement.GetProperty("byTransition").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!);
        Assert.Equal(["not-medically-necessary → covered", "not-medically-necessary → information-required"], transitions.Keys);
        var onLabel = transitions["not-medically-necessary → covered"];
        Assert.Equal(2, onLabel.GetProperty("lines").GetInt64());
        Assert.Equal(ImpactFixtures.OnLabelBilled, onLabel.GetProperty("billed").GetDecimal());
        Assert.Equal(2, onLabel.GetProperty("members").GetInt64());
        Assert.Equal(1, transitions["not-medically-necessary → information-required"].GetProperty("lines").GetInt64());
        Assert.Equal(ImpactFixtures.OnLabelBilled + 6200.00m, totals.GetProperty("billedAffected").GetDecimal());
        var rule = Assert.Single(json.RootElement.GetProperty("byRule").EnumerateArray());
        Assert.Equal("coverage-statement → plan", rule.GetProperty("key").GetString());
        Assert.Equal(["ON-1,1", "ON-2,1", "UNKNOWN-1,1"], File.ReadAllLines(linesFile).Skip(1).Select(r => string.Join(',', r.Split(',')[0], r.Split(',')[2])));
    }

    [Fact]
    public void Text_And_Csv_SummariseTheSameChanges()
    {
        var requests = FilePath("requests.ndjson");
        File.WriteAllLines(requests, ImpactFixtures.CryoablationRequests());
        var csvFile = FilePath("impact.csv");

        var text = CliRunner.Run("--catalogue", ImpactFixtures.CoversOnLabelCryoablation, "impact", "--claims", requests);
        var csv = CliRunner.Run("--catalogue", ImpactFixtures.CoversOnLabelCryoablation, "impact", "--claims", requests, "--format", "csv", "--out", csvFile);

        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("3 changed", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("not-medically-necessary → covered", text.Stdout, StringComparison.Ordinal);
        Assert.True(csv.ExitCode == 0, csv.Stderr);
        var rows = File.ReadAllLines(csvFile);
        Assert.Equal("dimension,key,lines,billed,lines_with_charge,members", rows[0]);
        Assert.Contains("transition,not-medically-necessary → covered,2,0,0,2", rows);
        Assert.Contains("plan,standard,3,0,0,3", rows);
    }

    [Fact]
    public void CandidateThatDoesNotValidate_IsACatalogueError()
    {
        var broken = FilePath("broken");
        CopyFolder(ImpactFixtures.CoversOnLabelCryoablation, broken);
        var plan = Path.Combine(broken, "plans", "standard.yaml");
        File.WriteAllText(plan, File.ReadAllText(plan).Replace("policy: \"0540\"", "policy: \"9999\"", StringComparison.Ordinal));

        var result = CliRunner.Run("--catalogue", broken, "impact", "--claims", CliRunner.Sample("claims-small.837"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("the candidate catalogue", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("standard.yaml", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("9999", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData(new string[0], "give one input")]
    [InlineData(new[] { "--claims", "no-such-file.837" }, "does not exist")]
    [InlineData(new[] { "--claims", "/" }, "the input '/' is a directory, not a file")]
    [InlineData(new[] { "--claims", "x", "--cases", "Data Source=x.db" }, "give one input")]
    [InlineData(new[] { "--cases", "Data Source=x.db", "--plan-map", "m.csv" }, "describe a claim file")]
    [InlineData(new[] { "--cases", "Data Source=x.db", "--out", "/no-such-folder/report.json" }, "--out '/no-such-folder/report.json': its folder does not exist")]
    [InlineData(new[] { "--cases", "Data Source=x.db", "--lines", "/no-such-folder/lines.csv" }, "--lines '/no-such-folder/lines.csv': its folder does not exist")]
    [InlineData(new[] { "--cases", "Data Source=x.db", "--out", "/" }, "--out '/' is a folder")]
    public void WrongCommandLine_IsAnInputErrorNamingIt(string[] arguments, string message)
    {
        var result = CliRunner.Run(["impact", .. arguments]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void LinesFileThatIsAHardLinkToTheClaims_IsAnInputError_AndTheClaimsAreKept()
    {
        // The changed-lines file is opened (truncated) before the claims are read: a second name of the input was emptied.
        var input = FilePath("claims.csv");
        File.Copy(CliRunner.Sample("claims-small.csv"), input);
        var before = File.ReadAllBytes(input);
        FileIdentityTests.HardLink(input, FilePath("changed.csv"));

        var result = CliRunner.Run("impact", "--claims", input, "--lines", FilePath("changed.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("must not overwrite the input", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void ClaimFileWithBadRecords_ReportsThemAndKeepsTheGoodOnes()
    {
        var input = FilePath("mixed.csv");
        File.WriteAllText(input, string.Join('\n',
            "claim_id,line,member_id,birth_date,plan_id,diagnoses,date_of_service,code,modifiers,description,units,charge",
            "C-1,1,M-1,1950-01-02,,C50.411,2026-02-01,0971T,,,1,5800.00",
            "C-2,1,M-2,1950-01-02,,C50.411,2026-13-40,0971T,,,1,5800.00",
            "C-3,1,M-3,1950-01-02,no-such-plan,C50.411,2026-02-01,0971T,,,1,5800.00",
            "C-4,1,M-4,1950-01-02,,C50.411,2026-02-03,19499,,Interstitial laser ablation of breast tumor,1,4500.00",
            "C-5,1,M-5,1950-01-02,,C50.411,2026-02-03,0971T,,,1,USD 5800") + "\n");

        var result = CliRunner.Run("impact", "--baseline", ImpactFixtures.AsOf20250415, "--claims", input, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("3 record(s) could not be decided", result.Stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Stdout);
        var rejected = json.RootElement.GetProperty("rejected");
        Assert.Equal(3, rejected.GetProperty("count").GetInt64());
        var sample = rejected.GetProperty("sample").EnumerateArray().ToList();
        Assert.Equal(["C-2", "C-3", "C-5"], sample.Select(s => s.GetProperty("id").GetString()));
        Assert.Contains("dateOfService", sample[0].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("no-such-plan", sample[1].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        // A charge that is not an amount is not a line without a charge: the claim is not decided on a guess.
        Assert.Contains("charge: 'USD 5800' is not an amount", sample[2].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("linesChanged").GetInt64());
        Assert.Equal(10300.00m, totals.GetProperty("billedAffected").GetDecimal());
    }

    /// <summary>NDJSON with a line that is not JSON, one that is not an object and a request the rules refuse: each reported, the rest decided.</summary>
    [Fact]
    public void NdjsonWithBadRecords_ReportsThemAndKeepsTheGoodOnes()
    {
        var requests = FilePath("mixed.ndjson");
        var good = ImpactFixtures.CryoablationRequests();
        File.WriteAllLines(requests, [good[0], "{\"requestId\": \"BROKEN\"", "[1, 2]", good[1].Replace("\"dateOfService\"", "\"dateOfServiceX\"", StringComparison.Ordinal), .. good.Skip(2)]);
        var charges = FilePath("charges.csv");
        File.WriteAllText(charges, ImpactFixtures.CryoablationCharges);

        var result = CliRunner.Run("--catalogue", ImpactFixtures.CoversOnLabelCryoablation, "impact", "--claims", requests, "--charges", charges, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var rejected = json.RootElement.GetProperty("rejected");
        Assert.Equal(3, rejected.GetProperty("count").GetInt64());
        var sample = rejected.GetProperty("sample").EnumerateArray().ToList();
        Assert.Equal(["line 2", "line 3", "line 4"], sample.Select(s => s.GetProperty("position").GetString()));
        Assert.Contains("not valid JSON", sample[0].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", sample[1].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        // The records read are all counted; the good ones are decided as without the bad lines around them.
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(good.Count + 2, totals.GetProperty("records").GetInt64());
    }

    [Fact]
    public void ChargesFileThatIsNotOne_IsAnInputErrorNamingTheLine()
    {
        var requests = FilePath("requests.ndjson");
        File.WriteAllLines(requests, ImpactFixtures.CryoablationRequests());
        var charges = FilePath("charges.csv");
        File.WriteAllText(charges, "request_id,line,charge\nON-1,1,6200.00\nON-1,1,10\nON-2,x,5\n");

        var result = CliRunner.Run("impact", "--claims", requests, "--charges", charges);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 3: request ON-1 line 1 is billed twice", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 4: line 'x' is not a line number", result.Stderr, StringComparison.Ordinal);
    }

    internal static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
