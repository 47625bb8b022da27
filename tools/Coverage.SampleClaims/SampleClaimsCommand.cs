using System.CommandLine;
using Coverage.Claims.Batch;

namespace Coverage.SampleClaims;

/// <summary>`coverage-samples claims`: synthetic claim files for tests, demonstrations and benchmarks.</summary>
public static class SampleClaimsCommand
{
    public const int Ok = 0;
    /// <summary>The command line is wrong or the file cannot be written (the exit code `coverage` gives input errors).</summary>
    public const int UsageError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var format = new Option<string>("--format") { Description = "837, csv or ndjson", Required = true };
        format.AcceptOnlyFromAmong("837", "csv", "ndjson");
        var count = new Option<int>("--claims") { Description = "How many claims", Required = true };
        var output = new Option<string>("--out") { Description = "The file to write", Required = true };
        var seed = new Option<int>("--seed") { Description = "The same seed gives the same file (default 1)", DefaultValueFactory = _ => 1 };
        var claims = new Command("claims", "Write a synthetic claim file: policy 0540 lines, other care, the sample plans and about 3 % bad records")
        {
            format, count, output, seed,
        };
        claims.SetAction(parse => Claims(ClaimFileFormats.Parse(parse.GetValue(format))!.Value, parse.GetValue(count), parse.GetValue(output)!, parse.GetValue(seed), stdout, stderr));
        var root = new RootCommand("coverage-samples: synthetic files for Coverage's tests and benchmarks (a developer's tool)") { claims };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine($"coverage-samples: {error.Message}");
            return UsageError;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static int Claims(ClaimFileFormat format, int count, string path, int seed, TextWriter stdout, TextWriter stderr)
    {
        if (count < 1)
        {
            stderr.WriteLine("coverage-samples: claims: --claims must be at least 1");
            return UsageError;
        }
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            SyntheticClaimFile.Write(path, format, count, seed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"coverage-samples: claims: cannot write '{path}': {e.Message}");
            return UsageError;
        }
        var defects = SyntheticClaims.Generate(count, seed).Count(c => c.Defect != SyntheticDefect.None);
        stdout.WriteLine($"wrote {count} claims ({defects} of them bad records) to {path} ({format.ToWire()}, seed {seed})");
        if (format == ClaimFileFormat.X12)
            stdout.WriteLine("the subscriber group numbers (SBR03) map to the sample plans with samples/plan-map.csv (--plan-map)");
        return Ok;
    }
}
