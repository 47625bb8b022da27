using Coverage.Engine.Text;

namespace Coverage.Engine.Tests.Text;

/// <summary>
/// <see cref="CsvField"/>: every CSV file Coverage writes (batch adjustments, the prior-authorization report, the impact
/// analysis) quotes per RFC 4180 and never hands a spreadsheet a formula taken from a request.
/// </summary>
public class CsvFieldTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("0540", "0540")]
    [InlineData("CLM 0001", "CLM 0001")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"x\"", "\"say \"\"x\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("2026-05-04", "2026-05-04")]
    [InlineData("A-1", "A-1")]
    public void OrdinaryText_IsWrittenAsItIs_QuotedOnlyWhenItMustBe(string value, string written) =>
        Assert.Equal(written, CsvField.Of(value));

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("=HYPERLINK(\"https://x.test\",\"open\")", "\"'=HYPERLINK(\"\"https://x.test\"\",\"\"open\"\")\"")]
    public void TextThatStartsLikeAFormula_IsPrefixedSoASpreadsheetShowsIt(string value, string written)
    {
        Assert.True(CsvField.StartsLikeAFormula(value));
        Assert.Equal(written, CsvField.Of(value));
    }

    [Theory]
    [InlineData("=1+1", "=1+1")]
    [InlineData("-5", "-5")]
    [InlineData("a,\"b\"", "\"a,\"\"b\"\"\"")]
    public void Quoted_KeepsTheValueExactly_ForFilesThatAreInputToAProgram(string value, string written) =>
        Assert.Equal(written, CsvField.Quoted(value));
}
