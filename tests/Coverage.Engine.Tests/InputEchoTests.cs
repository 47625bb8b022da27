using Coverage.Engine.Validation;

namespace Coverage.Engine.Tests;

/// <summary>An error names the field and the reason; it repeats at most a short, printable prefix of what was sent.</summary>
public sealed class InputEchoTests
{
    [Fact]
    public void AShortValue_IsRepeatedAsItIs() => Assert.Equal("2026-13-40", InputEcho.Truncate("2026-13-40"));

    [Fact]
    public void ALongValue_IsCutWithItsLength()
    {
        var echoed = InputEcho.Truncate(new string('9', 100_000));

        Assert.StartsWith(new string('9', InputEcho.MaxLength), echoed, StringComparison.Ordinal);
        Assert.EndsWith("… (100000 characters)", echoed, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlAndFormatCharacters_AreShownAsQuestionMarks() => Assert.Equal("a?b?c", InputEcho.Truncate("a\u202Eb\nc"));

    [Theory]
    [InlineData("dateOfService")]
    [InlineData("diagnoses[0]")]
    [InlineData("serviceLines[0].code")]
    public void AHugeInvalidValue_MakesAShortError(string field)
    {
        var huge = new string('Z', 200_000);
        var builder = field switch
        {
            "dateOfService" => new RequestBuilder().Date(huge),
            "diagnoses[0]" => new RequestBuilder().Diagnoses(huge),
            _ => new RequestBuilder().Line(huge),
        };

        var errors = TestCatalogue.Errors(builder.Json()).Where(e => e.Field == field).ToList();

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.True(e.Message.Length < 300, e.Message[..Math.Min(300, e.Message.Length)]));
    }
}
