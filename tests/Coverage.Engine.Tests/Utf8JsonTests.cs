using System.Text;
using Coverage.Engine.Json;

namespace Coverage.Engine.Tests;

/// <summary>
/// A document kept as UTF-8 is exactly its text: made from bytes or from text, it reads back the same either way, is
/// equal to the same document made the other way, and is never made from bytes that are not UTF-8 or text that is not
/// valid UTF-16 (no replacement character ever stands in for what was written).
/// </summary>
public sealed class Utf8JsonTests
{
    private const string Text = "{\"rationale\":\"Résumé — ✓ 𝄞\"}";

    [Fact]
    public void FromBytesAndFromText_AreTheSameDocument_ByteForByte()
    {
        var fromBytes = Utf8Json.FromUtf8(Encoding.UTF8.GetBytes(Text));
        var fromText = Utf8Json.FromText(Text);

        Assert.Equal(Text, fromBytes.ToString());
        Assert.Equal(Encoding.UTF8.GetBytes(Text), fromText.Utf8.ToArray());
        Assert.Equal(fromBytes, fromText);
        Assert.Equal(fromBytes.GetHashCode(), fromText.GetHashCode());
        Assert.NotEqual(fromBytes, Utf8Json.FromText(Text + " "));
        Assert.Equal("", Utf8Json.Empty.ToString());
        Assert.Equal(0, Utf8Json.Empty.Utf8.Length);
    }

    [Fact]
    public void BytesThatAreNotUtf8_AreRefused()
    {
        byte[] truncated = [.. Encoding.UTF8.GetBytes("{\"a\":\"é"), 0xE2, 0x9C, (byte)'"', (byte)'}'];
        Assert.Throws<ArgumentException>(() => Utf8Json.FromUtf8(truncated));
    }

    [Fact]
    public void TextWithALoneSurrogate_IsRefused_NotReplaced()
    {
        var json = Utf8Json.FromText("{\"a\":\"\uD800\"}");
        Assert.ThrowsAny<ArgumentException>(() => json.Utf8);
    }

    [Fact]
    public void ADeterminationKeptAsUtf8_IsTheCompactJsonTheContractWrites_AndReadsBackTheSame()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder());

        var kept = DeterminationWriter.ToUtf8Json(determination);

        Assert.Equal(DeterminationWriter.ToJson(determination, indented: false), kept.ToString());
        Assert.Equal(DeterminationWriter.ToJson(determination, indented: false), DeterminationWriter.ToJson(DeterminationReader.Read(kept), indented: false));
        Assert.Equal(
            DeterminationReader.ReadLineSummaries(kept.ToString()),
            DeterminationReader.ReadLineSummaries(kept));
    }
}
