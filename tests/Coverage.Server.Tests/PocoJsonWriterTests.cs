using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="PocoJsonWriter"/> writes what Firely's <see cref="BaseFhirJsonSerializer"/> writes, byte for byte: on every
/// resource of the kits' and IGs' payloads and the samples, on thousands of damaged copies of them as Firely's lenient
/// read leaves them (objects emptied, primitives without values, lists with gaps, elements kept in an overflow), and on
/// crafted edge cases.
/// </summary>
public sealed class PocoJsonWriterTests
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly BaseFhirJsonSerializer Firely = new(ModelInfo.ModelInspector);

    /// <summary>Firely's lenient read: what it cannot map it keeps in an object's overflow (the partial result of its exception).</summary>
    private static readonly FhirJsonDeserializer Lenient = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    [Fact]
    public void EveryResourceOfTheKitsIgsAndSamples_IsWrittenAsFirelyWritesIt()
    {
        var compared = 0;
        foreach (var (source, json) in ModelRulesTests.CorpusResources())
        {
            if (FhirJson.Parse<Resource>(json, out _) is not { } resource) continue; // the few fixtures wrong on purpose
            AssertWrittenAsFirelyWrites(source, resource);
            compared++;
        }

        Assert.True(compared > 150, $"only {compared} resources compared");
    }

    [Fact]
    public void DamagedCopiesAsTheLenientReadLeavesThem_AreWrittenAsFirelyWritesThem()
    {
        var compared = 0;
        var withOverflow = 0;
        foreach (var (source, json) in ModelRulesTests.CorpusResources())
            foreach (var (damage, damaged) in ModelRulesTests.Damaged(json, ModelRulesTests.MutationsPerResource))
            {
                if (LenientRead(damaged) is not { } resource) continue;
                AssertWrittenAsFirelyWrites($"{source} with {damage}", resource);
                compared++;
                if (HasOverflowAnywhere(resource)) withOverflow++;
            }

        Assert.True(compared > 10000, $"only {compared} damaged copies compared");
        Assert.True(withOverflow > 100, $"only {withOverflow} copies held an overflow (written by Firely itself)");
    }

    public static TheoryData<string, Base> Crafted => new()
    {
        { "a primitive with extensions and no value", new Patient { BirthDateElement = new Date { Extension = [new Extension("http://x.test/e", new FhirString("why"))] } } },
        { "a primitive with an id, a value and an extension", new Patient { GenderElement = new Code<AdministrativeGender>(AdministrativeGender.Female) { ElementId = "g1", Extension = [new Extension("http://x.test/e", new FhirBoolean(true))] } } },
        { "a primitive list with gaps", new Patient { Name = [new HumanName { GivenElement = [new FhirString("A"), new FhirString { Extension = [new Extension("http://x.test/e", new Integer(1))] }, new FhirString("C") { ElementId = "c" }, new FhirString()] }] } },
        { "a primitive list with no values and no extensions", new Patient { Name = [new HumanName { GivenElement = [new FhirString(), new FhirString()] }] } },
        { "a primitive list with extensions only at the end", new Patient { Name = [new HumanName { GivenElement = [new FhirString("A"), new FhirString("B") { ElementId = "b" }] }] } },
        { "empty objects in a list and an empty object", new Patient { Identifier = [new Identifier(), new Identifier("http://x.test/id", "1"), new Identifier()], Text = new Narrative() } },
        { "an extension without a value, an empty extension list item", new Patient { Extension = [new Extension { Url = "http://x.test/e" }, new Extension()] } },
        { "choice types of several kinds", new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "1-1"),
            Effective = new Period { StartElement = new FhirDateTime("2026-01-02T03:04:05+00:00") },
            Value = new Quantity(1.50m, "mg"),
            Component = [new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "2-2"), Value = new FhirBoolean(false) },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "3-3"), Value = new Code("x") { Extension = [new Extension("http://x.test/e", new FhirString("y"))] } }],
        } },
        { "decimals, base64, an instant, markdown and a narrative", new DocumentReference
        {
            Status = DocumentReferenceStatus.Current, DateElement = new Instant(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero)),
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>é &amp; \"q\" ☃</p></div>" },
            Description = "a \"quoted\" <description> with\ttabs",
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { Data = Encoding.UTF8.GetBytes("hello, world"), Size = 12, ContentType = "text/plain" } }],
        } },
        { "contained resources and a Bundle in a Bundle", new Bundle
        {
            Type = Bundle.BundleType.Collection, Total = 2,
            Entry =
            [
                new Bundle.EntryComponent { FullUrl = "urn:uuid:1", Resource = new Claim { Contained = [new Practitioner { Id = "p1" }], Status = FinancialResourceStatusCodes.Active } },
                new Bundle.EntryComponent { Resource = new Bundle { Type = Bundle.BundleType.Batch, Entry = [new Bundle.EntryComponent { Resource = new Parameters { Parameter = [new Parameters.ParameterComponent { Name = "p", Value = new Money { Value = 10.0m, Currency = Money.Currencies.USD } }] } }] } },
                null!,
            ],
        } },
        { "an empty resource", new Patient() },
        { "a lone primitive", new FhirString("alone") { Extension = [new Extension("http://x.test/e", new FhirString("x"))] } },
        { "a data type on its own", new CodeableConcept("http://x.test/cs", "c", "display", "text") },
    };

    [Theory]
    [MemberData(nameof(Crafted))]
    public void CraftedEdgeCases_AreWrittenAsFirelyWritesThem(string what, Base instance) => AssertWrittenAsFirelyWrites(what, instance);

    [Fact]
    public void ALargeResourceAndThenASmallOne_AreBothWrittenAsFirelyWritesThem()
    {
        // The first outgrows the buffer a thread keeps; the second is written into a new one.
        var large = new Bundle { Type = Bundle.BundleType.Searchset, Total = 3000 };
        for (var i = 0; i < 3000; i++)
            large.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{i}", Resource = new Patient { Id = $"p{i}", Name = [new HumanName { Family = $"Family {i}", Given = ["A", "B"] }] } });

        AssertWrittenAsFirelyWrites("a Bundle of 3,000 patients", large);
        AssertWrittenAsFirelyWrites("a small resource after it", new Patient { Id = "small" });
        Assert.True(FhirJson.Serialize(large).Length > 256 * 1024);
    }

    [Fact]
    public void AResourceWithAnElementInItsOverflow_IsWrittenByFirely_AsItWasRead()
    {
        var resource = LenientRead("""{"resourceType":"Patient","id":"1","name":[{"family":"A","nickname":"B"}],"gender":"female"}""")!;

        Assert.True(HasOverflowAnywhere(resource));
        AssertWrittenAsFirelyWrites("an unknown element", resource);
        Assert.Contains("\"nickname\":\"B\"", FhirJson.Serialize(resource), StringComparison.Ordinal);
    }

    [Fact]
    public void IntoAnIndentedWriter_AResourceIsWrittenIndentedAsFirelyWritesIt()
    {
        var patient = new Patient { Id = "1", Name = [new HumanName { Family = "A", Given = ["B"] }] };

        AssertWrittenAsFirelyWrites("an indented patient", patient, Options with { Indented = true });
        Assert.Contains("\n", Write(writer => PocoJsonWriter.Write(patient, writer), Options with { Indented = true }), StringComparison.Ordinal);
    }

    private static void AssertWrittenAsFirelyWrites(string what, Base instance, JsonWriterOptions? options = null)
    {
        var expected = Write(writer => Firely.Serialize(instance, writer), options ?? Options);
        var actual = Write(writer => PocoJsonWriter.Write(instance, writer), options ?? Options);
        if (options is null)
        {
            // What the server sends (a response body, a notification, a kept Bundle): the same bytes, whichever writes them.
            Assert.Equal(expected, FhirJson.Serialize(instance));
            var body = "";
            FhirJson.SerializeInto(instance, 0, (json, _) => body = Encoding.UTF8.GetString(json));
            Assert.Equal(expected, body);
        }
        if (expected == actual) return;
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        Assert.Fail($"{what}: written differently from byte {at}:\n Firely: …{Around(expected, at)}\n   ours: …{Around(actual, at)}");
    }

    private static string Around(string json, int at) => json[Math.Max(0, at - 60)..Math.Min(json.Length, at + 60)];

    private static string Write(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options)) write(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Resource? LenientRead(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            return Lenient.DeserializeResource(ref reader);
        }
        catch (DeserializationFailedException e)
        {
            return e.PartialResult as Resource; // what the read could make of it, the rest in overflows
        }
        catch (Exception)
        {
            return null; // the lenient read gave up altogether (Firely's own exceptions vary): nothing to write
        }
    }

    private static bool HasOverflowAnywhere(Base node) =>
        node.HasOverflow || node.EnumerateElements().SelectMany(e => e.Value switch
        {
            Base child => [child],
            System.Collections.IEnumerable items and not string => items.OfType<Base>(),
            _ => [],
        }).Any(HasOverflowAnywhere);
}
