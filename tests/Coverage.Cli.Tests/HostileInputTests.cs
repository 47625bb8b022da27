using System.Text;
using Coverage.Server.Tests;

namespace Coverage.Cli.Tests;

/// <summary>The CLI on a thousand malformed and mutated requests: each one is decided (exit 0) or refused with a message (exit 2); none crashes.</summary>
public class HostileInputTests
{
    [Theory]
    [InlineData("cryoablation-prior-auth.json", 1)]
    [InlineData("unlisted-microwave-claim.json", 2)]
    [InlineData("cryoablation-rider-on-label.json", 3)]
    [InlineData("unlisted-without-description.json", 4)]
    [InlineData("invalid-date.json", 5)]
    public void Evaluate_MutatedRequests_ExitZeroOrTwoWithAMessage(string sample, int seed)
    {
        var document = File.ReadAllText(CliRunner.Sample(sample));
        var count = 0;
        foreach (var input in HostileInputs.Mutations(document, seed, count: 200))
        {
            count++;
            var text = Encoding.UTF8.GetString(input);
            var result = CliRunner.RunWithInput(input, "evaluate", "-");
            Assert.True(result.ExitCode is 0 or 2, $"exit {result.ExitCode} for {text[..Math.Min(200, text.Length)]}: {result.Stderr}");
            if (result.ExitCode == 2)
            {
                Assert.StartsWith("coverage: ", result.Stderr, StringComparison.Ordinal);
                Assert.Equal("", result.Stdout);
            }
        }
        Assert.Equal(200, count);
    }
}
