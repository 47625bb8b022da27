using Coverage.Engine.Text;

namespace Coverage.Engine.Tests.Text;

/// <summary>Text an outsider chose, cut to a fixed size with what was cut said, without control characters (<see cref="Bounded"/>).</summary>
public class BoundedTests
{
    [Fact]
    public void ShortText_IsKept()
    {
        Assert.Equal("plans/standard.yaml: name", Bounded.Text("plans/standard.yaml: name", 1_000));
    }

    [Fact]
    public void LongText_IsCutSayingHowMuchWasLeftOut()
    {
        Assert.Equal("XXXX… (999996 more characters)", Bounded.Text(new string('X', 1_000_000), 4));
    }

    [Fact]
    public void ControlCharacters_AreShownAsQuestionMarks()
    {
        // No forged lines in a log or a terminal.
        Assert.Equal("one?two?", Bounded.Text("one\ntwo\u001b", 100));
    }

    [Fact]
    public void Column_IsCutWithoutANote()
    {
        Assert.Equal("abc", Bounded.Column("abcdef", 3));
        Assert.Null(Bounded.Column(null, 3));
    }
}
