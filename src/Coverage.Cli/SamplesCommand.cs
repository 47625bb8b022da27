using System.CommandLine;
using Coverage.Claims.Batch;
using Coverage.Claims.Samples;

namespace Coverage.Cli;

/// <summary>`coverage samples claims`: synthetic claim files for tests, demonstrations and benchmarks.</summary>
internal static class SamplesCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
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
        return new Command("samples", "Generate sample files") { claims };
    }

    private static int Claims(ClaimFileFormat format, int count, string path, int seed, TextWriter stdout, TextWriter stderr)
    {
        if (count < 1)
        {
            stderr.WriteLine("coverage: samples claims: --claims must be at least 1");
            return ExitCodes.InputError;
        }
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            SyntheticClaimFile.Write(path, format, count, seed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"coverage: samples claims: cannot write '{path}': {e.Message}");
            return ExitCodes.InputError;
        }
        var defects = SyntheticClaims.Generate(count, seed).Count(c => c.Defect != SyntheticDefect.None);
        stdout.WriteLine($"wrote {count} claims ({defects} of them bad records) to {path} ({format.ToWire()}, seed {seed})");
        if (format == ClaimFileFormat.X12)
            stdout.WriteLine("the subscriber group numbers (SBR03) map to the sample plans with samples/plan-map.csv (--plan-map)");
        return ExitCodes.Ok;
    }
}
