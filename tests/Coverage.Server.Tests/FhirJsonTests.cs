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
        var written = new System.Buffers.ArrayBufferWriter<byte>();
        FhirJson.SerializeInto(patient, written, static (json, into) => System.Buffers.BuffersExtensions.Write(into, json));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(patient.ToJson()), written.WrittenSpan.ToArray());
    }

    [Fact]
    public void Parse_BytesThatAreNotUtf8_AreRefusedWithTheProblem_NotAnException()
    {
        // Found by the fhir fuzz target (fuzz/run.sh fhir): a stray byte in the resource type threw from the check of
        // the names Firely misreads. Every server path checks a body first (JsonText); the reader holds on its own too.
        var bytes = System.Text.Encoding.UTF8.GetBytes("""{"resourceType": "Bundle", "type": "collection"}""");
        bytes[20] = 0xF5;

        var read = FhirJson.Parse<Resource>(bytes, out var problems);

        Assert.Null(read);
        Assert.Contains("not valid UTF-8", Assert.Single(problems!.Issue).Diagnostics, StringComparison.Ordinal);
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
        var bytes = System.Text.Encoding.UTF8.GetBytes(FhirJson.Serialize(new Bundle { Type = Bundle.BundleType.Collection }));

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

    [Theory]
    [InlineData("{\"resourceType\":\"\"}")]
    [InlineData("{\"resourceType\":\"Resource\"}")]
    [InlineData("{\"resourceType\":\"DomainResource\",\"id\":\"x\"}")]
    [InlineData("{\"resourceType\":\"Extension\",\"url\":\"http://example.org\"}")]
    [InlineData("{\"resourceType\":\"string\"}")]
    [InlineData("{\"resourceType\":123}")]
    [InlineData("{\"resourceType\":null}")]
    [InlineData("{\"resourceType\":[\"Patient\"]}")]
    [InlineData("{\"id\":\"no-type\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"_\":{}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"_birthDate\":\"x\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"_id\":{\"id\":\"x\"}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"_name\":[{\"id\":\"x\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"birthDate\":{\"a\":1}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"birthDate\":\"2020-02-30\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"name\":[null]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"name\":[null,null],\"_name\":[null]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[null],\"_given\":[null]}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"id\":null}")]
    [InlineData("{\"resourceType\":\"Patient\",\"name\":[{\"resourceType\":\"Patient\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"fhir_comments\":[\"x\"]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":99999999999}")]
    [InlineData("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":1.5}")]
    [InlineData("{\"resourceType\":\"Patient\",\"multipleBirthFoo\":1}")]
    [InlineData("{\"resourceType\":\"Patient\",\"multipleBirth\":true}")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":1e400}}")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":-0}}")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":\"1\"}}")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueInteger\":1,\"valueString\":\"x\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><script>x</script></div>\"}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<not xml\"}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"\"}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Patient\"}]}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"contained\":[{}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"contained\":[null]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"contained\":{\"resourceType\":\"Patient\"}}")]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{}}]}}]}")]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":\"Patient\"}]}")]
    [InlineData("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"x\",\"resource\":{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"y\",\"part\":[{\"name\":\"z\",\"valueFoo\":1}]}]}}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://example.org\",\"valueReference\":{\"reference\":\"#\"}}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"extension\":[{\"valueString\":\"no url\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://example.org\",\"extension\":[{\"url\":\"a\"}],\"valueString\":\"both\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"modifierExtension\":[{\"url\":\"\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"active\":\"true\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"active\":1}")]
    [InlineData("{\"resourceType\":\"Patient\",\"gender\":\"robot\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"gender\":\"\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"meta\":{\"lastUpdated\":\"not a date\",\"profile\":[\"not a uri\"]}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:\",\"value\":\"\\u0000\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"\\u0000\":1}")]
    [InlineData("{\"resourceType\":\"Patient\",\"_birthDate\":{\"extension\":[{\"url\":\"http://example.org\",\"valueString\":\"x\"}]}}")]
    [InlineData("{\"resourceType\":\"Patient\",\"_birthDate\":{\"extension\":[{\"url\":\"http://example.org\",\"valueString\":\"x\"}]},\"birthDate\":null}")]
    [InlineData("{\"resourceType\":\"Questionnaire\",\"status\":\"active\",\"item\":[{\"linkId\":\"1\",\"type\":\"group\",\"item\":[{\"linkId\":\"1.1\",\"type\":\"choice\",\"answerOption\":[{\"valueCoding\":{}}]}]}]}")]
    [InlineData("{\"resourceType\":\"Claim\",\"status\":\"active\",\"use\":\"preauthorization\",\"item\":[{\"sequence\":0,\"servicedDate\":\"2026\"}]}")]
    [InlineData("{\"resourceType\":\"Claim\",\"item\":[{\"sequence\":-1},{\"sequence\":2147483648}]}")]
    [InlineData("{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"data\":\"not base64!\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"photo\":[{\"data\":\"%%%\"}]}")]
    public void Parse_OddResources_AreReadOrRefusedNeverThrown(string json)
    {
        // Shapes a hostile or careless sender might use that a reader could trip on (abstract or non-resource types,
        // null or empty values, bad primitives and narrative, nulls in arrays, choices, deep contained resources):
        // each is either a resource or a problem for the caller, never an exception out of FhirJson.
        var resource = FhirJson.Parse<Resource>(json, out var problems);

        Assert.True((resource is not null) != (problems is not null), "either a resource or the problems with it");
        if (problems is not null) Assert.All(problems.Issue, issue => Assert.False(string.IsNullOrWhiteSpace(issue.Diagnostics)));
    }
}
