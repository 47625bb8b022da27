using System.Text.Json;
using Coverage.Engine.Json;

namespace Coverage.Engine.Tests;

/// <summary>
/// The per-thread JSON buffer gives back exactly the document written — after a larger one, after one past the size it
/// keeps, and for a document written while another is being written on the same thread (each its own buffer).
/// </summary>
public sealed class JsonScratchTests
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false, SkipValidation = false, MaxDepth = 64 };

    private static void Document(Utf8JsonWriter writer, string name, int items)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteStartArray("items");
        for (var i = 0; i < items; i++) writer.WriteNumberValue(i);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string Expected(string name, int items) =>
        $"{{\"name\":\"{name}\",\"items\":[{string.Join(',', Enumerable.Range(0, items))}]}}";

    [Fact]
    public void Use_HandsOverExactlyTheDocumentWritten_FromTheBuffer()
    {
        JsonScratch.ToString(Compact, w => Document(w, "large", 5000));
        string? handed = null;

        JsonScratch.Use(Compact, w => Document(w, "small", 3), "state", (json, state) => handed = state + ":" + System.Text.Encoding.UTF8.GetString(json));

        Assert.Equal("state:" + Expected("small", 3), handed);
    }

    [Fact]
    public void EachDocument_IsExactlyWhatWasWritten_WhateverWasWrittenBefore()
    {
        Assert.Equal(Expected("large", 5000), JsonScratch.ToString(Compact, w => Document(w, "large", 5000)));
        Assert.Equal(Expected("small", 3), JsonScratch.ToString(Compact, w => Document(w, "small", 3)));
        var past = JsonScratch.MaxKeptBytes / 4;
        Assert.Equal(Expected("past the kept size", past), JsonScratch.ToString(Compact, w => Document(w, "past the kept size", past)));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Expected("bytes", 2)), JsonScratch.ToBytes(Compact, w => Document(w, "bytes", 2)));
    }

    [Fact]
    public void ADocumentWrittenWhileAnotherIs_HasABufferOfItsOwn()
    {
        string? inner = null;
        var outer = JsonScratch.ToString(Compact, w =>
        {
            w.WriteStartObject();
            w.WriteString("before", "outer");
            inner = JsonScratch.ToString(Compact, x => Document(x, "inner", 100));
            w.WriteString("after", "outer");
            w.WriteEndObject();
        });

        Assert.Equal(Expected("inner", 100), inner);
        Assert.Equal("{\"before\":\"outer\",\"after\":\"outer\"}", outer);
    }

    [Fact]
    public void AWriterThatThrows_LeavesTheNextDocumentWhole()
    {
        Assert.Throws<InvalidOperationException>(() => JsonScratch.ToString(Compact, w =>
        {
            Document(w, "half", 50);
            throw new InvalidOperationException("the writer failed");
        }));

        Assert.Equal(Expected("whole", 4), JsonScratch.ToString(Compact, w => Document(w, "whole", 4)));
    }
}
