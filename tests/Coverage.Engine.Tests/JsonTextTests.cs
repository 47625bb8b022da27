using System.Text;
using Coverage.Engine.Json;

namespace Coverage.Engine.Tests;

/// <summary>
/// The JSON text check reuses one set of names per depth and reads only escaped strings: the same bodies are refused as
/// when each object had its own set and every string was read.
/// </summary>
public sealed class JsonTextTests
{
    private static string? Check(string json) => JsonText.Check(Encoding.UTF8.GetBytes(json))?.Message;

    /// <summary>The sets of names a thread keeps from one body to the next hold nothing of the last body.</summary>
    [Fact]
    public void OneBodysNames_AreNotSeenInTheNext_AfterAnErrorOrAManyNamedObject()
    {
        Assert.NotNull(Check("""{"a":{"b":1,"b":2}}"""));
        Assert.Null(Check("""{"a":{"b":1}}"""));
        var many = "{" + string.Join(',', Enumerable.Range(0, 3000).Select(i => $"\"n{i}\":{i}")) + "}";
        Assert.Null(Check(many));
        Assert.Null(Check("""{"n1":{"n2":1},"n3":[{"n1":1}]}"""));
        Assert.NotNull(Check("""{"n1":1,"n2":{"n1":1},"n1":2}"""));
    }

    [Fact]
    public void ANameGivenTwice_IsRefusedInTheObjectItIsIn_NotAcrossSiblingObjects()
    {
        Assert.Null(Check("""{"a": {"x": 1, "y": 2}, "b": {"x": 3, "y": 4}, "c": [{"x": 1}, {"x": 2}]}"""));
        Assert.Equal("the property 'x' is given twice in one object", Check("""{"a": {"x": 1}, "b": {"y": 1, "x": 2, "x": 3}}"""));
        Assert.Equal("the property 'a' is given twice in one object", Check("""{"a": {"x": {"a": 1}}, "a": 2}"""));
        // Escaped spellings of one name are one name.
        Assert.Equal("the property 'id' is given twice in one object", Check("""{"id": 1, "\u0069d": 2}"""));
        Assert.Equal("the property 'café' is given twice in one object", Check("""{"café": 1, "caf\u00e9": 2}"""));
        Assert.Equal("the property 'café' is given twice in one object", Check("""{"caf\u00e9": 1, "café": 2}"""));
        Assert.Equal("the property 'a\"b' is given twice in one object", Check("""{"a\"b": 1, "a\u0022b": 2}"""));
        // Names that share a prefix, or differ only in case, are different names.
        Assert.Null(Check("""{"id": 1, "identifier": 2, "Id": 3, "i": 4, "": 5}"""));
    }

    [Fact]
    public void AnEscapedLoneSurrogate_IsRefused_WhereverItIs()
    {
        Assert.StartsWith("the body holds a string that is not valid Unicode", Check("""{"a": ["ok", "\ud800"]}"""), StringComparison.Ordinal);
        Assert.StartsWith("the body holds a string that is not valid Unicode", Check("""{"\udc00": 1}"""), StringComparison.Ordinal);
        Assert.Null(Check("""{"a": "\ud83d\ude00 caf\u00e9 café 😀"}"""));
    }

    [Fact]
    public void InvalidUtf8_IsRefusedBeforeAnyString()
    {
        var body = Encoding.UTF8.GetBytes("""{"a": "xx"}""");
        body[7] = 0xff;
        Assert.Equal("the body is not valid UTF-8 text", JsonText.Check(body)!.Message);
    }

    [Fact]
    public void TheTextIsNamedAsTheCallerNamesIt()
    {
        Assert.Equal("the body is not valid UTF-8 text", JsonText.Check([0xFF])!.Message);
        Assert.Equal("the request is not valid UTF-8 text", JsonText.Check([0xFF], what: "the request")!.Message);
        Assert.StartsWith("the request is not valid JSON (", JsonText.Check("{"u8.ToArray(), what: "the request")!.Message, StringComparison.Ordinal);
        Assert.StartsWith("the request holds a string that is not valid Unicode", JsonText.Check(Encoding.UTF8.GetBytes("""{"a": "\ud800"}"""), what: "the request")!.Message, StringComparison.Ordinal);
    }
}
