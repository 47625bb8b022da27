using System.Text.Json;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Server.Tests;

/// <summary>
/// FhirJson's UTF-8 paths (a resource read from the bytes of a larger JSON document, written into a larger answer)
/// give exactly what the SDK's text round trip gave: the same resources, the same bytes, the same errors.
/// </summary>
public sealed class FhirJsonTests
{
    /// <summary>Escaping matters: characters HTML-sensitive, non-ASCII, outside the BMP, and control characters.</summary>
    private static Patient Tricky() => new()
    {
        Id = "p-1",
        Active = true,
        BirthDate = "1960-03-01",
        Name = [new HumanName { Family = "O'Brien <Zoë> & \"Ünal\" 😀", Given = ["tab\there", "line\nbreak"] }],
        Identifier = [new Identifier("http://example.org/ids?a=1&b=2", "M-1/2\\3")],
    };

    [Fact]
    public void Serialize_WritesTheBytesTheSdksToJsonWrites()
    {
        var patient = Tricky();

        Assert.Equal(patient.ToJson(), FhirJson.Serialize(patient));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(patient.ToJson()), FhirJson.SerializeToUtf8Bytes(patient));
    }

    [Fact]
    public void Write_IntoALargerAnswer_WritesTheSameJsonAsTheTextRoundTrip()
    {
        var patient = Tricky();
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        using var direct = new MemoryStream();
        using (var writer = new Utf8JsonWriter(direct, options))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("resource");
            FhirJson.Write(patient, writer);
            writer.WriteEndObject();
        }
        using var viaText = new MemoryStream();
        using (var writer = new Utf8JsonWriter(viaText, options))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("resource");
            writer.WriteRawValue(patient.ToJson());
            writer.WriteEndObject();
        }

        Assert.Equal(System.Text.Encoding.UTF8.GetString(viaText.ToArray()), System.Text.Encoding.UTF8.GetString(direct.ToArray()));
    }

    [Fact]
    public void Parse_AnElementOfALargerDocument_ReadsWhatTheTextParserReads()
    {
        var json = $$"""{"prefetch": {"patient": {{Tricky().ToJson()}}}, "after": 1}""";
        using var document = JsonDocument.Parse(json);
        var element = document.RootElement.GetProperty("prefetch").GetProperty("patient");

        var fromElement = FhirJson.Parse(element, "prefetch.patient", out var problems);

        Assert.Null(problems);
        var expected = new FhirJsonDeserializer(new DeserializerSettings()).DeserializeResource(element.GetRawText());
        Assert.True(expected.IsExactly(fromElement!));
    }

    [Fact]
    public void Parse_AnInvalidElement_NamesItsPathAndTheSameProblemAsTheTextParser()
    {
        const string json = """{"patient": {"resourceType": "Patient", "birthDate": "not a date", "unknownElement": 1}}""";
        using var document = JsonDocument.Parse(json);
        var element = document.RootElement.GetProperty("patient");

        var resource = FhirJson.Parse(element, "prefetch.patient", out var problems);

        Assert.Null(resource);
        var expected = Assert.Throws<DeserializationFailedException>(() =>
            new FhirJsonDeserializer(new DeserializerSettings()).DeserializeResource(element.GetRawText()));
        Assert.Equal(expected.Exceptions.Select(e => $"prefetch.patient: {e.Message}").Take(20), problems!.Issue.Select(i => i.Diagnostics));
    }

    [Fact]
    public void Parse_Utf8Body_AnswersTheTypeAskedFor()
    {
        var bytes = FhirJson.SerializeToUtf8Bytes(new Bundle { Type = Bundle.BundleType.Collection });

        Assert.NotNull(FhirJson.Parse<Bundle>(bytes, out var none));
        Assert.Null(none);
        Assert.Null(FhirJson.Parse<Patient>(bytes, out var wrongType));
        Assert.Equal("Expected a Patient, got a Bundle.", wrongType!.Issue.Single().Diagnostics);
        Assert.Null(FhirJson.Parse<Bundle>("{\"resourceType\": "u8, out var broken));
        Assert.StartsWith("Not valid JSON", broken!.Issue.Single().Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"resourceType\":\"Patient\",\"\":\"x\"}", 26)]
    [InlineData("{\"resourceType\":\"Patient\",\"name\":[{\"\":\"x\"}]}", 35)]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"\":\"Patient\"}}]}", 67)]
    [InlineData("{\"\":\"Patient\",\"resourceType\":\"Patient\"}", 1)]
    public void Parse_AnEmptyPropertyName_IsRefusedSayingWhere(string json, long at)
    {
        // Firely's reader, validating or not, throws IndexOutOfRangeException on a property named "" (it looks at the
        // name's first character for a '_'): the caller's error, never a crash of ours (HostileInputTests found it).
        Assert.Null(FhirJson.Parse<Resource>(json, out var problems));

        Assert.Equal($"Not a FHIR resource: a property name is empty (at byte {at}); every FHIR JSON property names an element.",
            problems!.Issue.Single().Diagnostics);
    }
}
