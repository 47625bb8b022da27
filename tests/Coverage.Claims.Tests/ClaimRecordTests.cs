using Coverage.Claims.Tests.X12;
using Coverage.Engine.Validation;

namespace Coverage.Claims.Tests;

/// <summary>
/// A record's problems are bounded as the engine's errors are (<see cref="RecordError"/>): a quoted value at most 64
/// characters, the message at most 512. A 64 KiB element was quoted whole, in a record that keeps up to 100 problems.
/// </summary>
public class ClaimRecordTests
{
    [Fact]
    public void AShortMessage_IsKeptAsItIs()
    {
        var error = new RecordError(RecordPosition.Segment(5), null, "malformed segment: 'N@' is not a segment id (two or three upper-case letters or digits)");

        Assert.Equal("malformed segment: 'N@' is not a segment id (two or three upper-case letters or digits)", error.Message);
    }

    [Fact]
    public void ALongQuotedValue_IsCutAndItsLengthSaid()
    {
        var error = new RecordError(RecordPosition.Segment(5), "serviceLines[0].units", $"SV104: '{new string('9', 60_000)}' is not a number");

        Assert.Equal($"SV104: '{new string('9', InputEcho.MaxValue)}… (60000 characters)' is not a number", error.Message);
    }

    [Fact]
    public void ALongMessage_IsCutToTheEnginesBound()
    {
        var error = new RecordError(RecordPosition.Line(2), null, new string('x', 10_000));

        Assert.True(error.Message.Length <= InputEcho.MaxMessage + 1, $"{error.Message.Length} characters");
    }

    [Fact]
    public void An837ElementOf60000Characters_IsQuotedBounded()
    {
        var claim = X12Text.Claim("C1").Replace("SV1*HC:0581T:LT*6200*UN*1***1~", $"SV1*HC:0581T:LT*6200*UN*{new string('9', 30_000)}X***1~", StringComparison.Ordinal);

        var record = Assert.Single(X12Text.Read(X12Text.File(X12Text.Subscriber(), claim)));

        var error = Assert.Single(record.Errors);
        Assert.Equal("serviceLines[0].units", error.Field);
        Assert.StartsWith("SV104: '999", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("… (30001 characters)' is not a number", error.Message, StringComparison.Ordinal);
    }
}
