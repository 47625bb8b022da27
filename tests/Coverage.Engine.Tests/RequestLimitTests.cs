using Coverage.Engine.Validation;

namespace Coverage.Engine.Tests;

public class RequestLimitTests
{
    [Fact]
    public void Read_FiftyServiceLines_IsAccepted_FiftyOneIsRefused()
    {
        var fifty = new RequestBuilder();
        for (var i = 2; i <= RequestLimits.MaxServiceLines; i++) fifty.AddLine("19120");
        Assert.Equal(50, TestCatalogue.Request(fifty.Json()).ServiceLines.Count);

        fifty.AddLine("19120");
        var error = Assert.Single(TestCatalogue.Errors(fifty.Json()));
        Assert.Equal("serviceLines", error.Field);
        Assert.Contains("at most 50", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MoreThanTwentyFiveDiagnoses_IsRefused()
    {
        var codes = Enumerable.Range(0, 26).Select(i => $"C50.{i % 10}1{i / 10}").ToArray();

        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Diagnoses(codes).Json()));

        Assert.Equal("diagnoses", error.Field);
    }

    [Fact]
    public void Read_HugeNumber_IsRefusedNamingTheFact()
    {
        var json = new RequestBuilder().Json().Replace("\"tumorSizeCm\":1.2", "\"tumorSizeCm\":1e400", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalogue.Errors(json));

        Assert.Equal("clinical.tumorSizeCm", error.Field);
    }

    [Fact]
    public void Read_LoneSurrogate_IsAnInputErrorNotACrash()
    {
        var json = new RequestBuilder().Json().Replace("\"requestId\":\"T-1\"", "\"requestId\":\"T-\\ud800\"", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalogue.Errors(json));

        Assert.Contains("Unicode", error.Message, StringComparison.Ordinal);
    }
}
