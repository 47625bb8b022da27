using System.Text;
using System.Text.Json;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="PocoJsonReader"/> reads what Firely's reader without its validator reads, into exactly the same objects
/// (<see cref="Base.IsExactly"/>: every element, every primitive's value of the same .NET type), and gives back every
/// resource on which Firely's reader reports an error: on every resource of the kits' and IGs' payloads and the samples,
/// on thousands of damaged copies of them, and on crafted cases.
/// </summary>
public sealed class PocoJsonReaderTests
{
    private static readonly FhirJsonDeserializer SyntaxOnly = new(new DeserializerSettings { Validator = null });
    private static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    [Fact]
    public void EveryResourceOfTheKitsIgsAndSamples_IsReadAsFirelyReadsIt_AndMostByThisReader()
    {
        var readByFirely = 0;
        var readHere = 0;
        foreach (var (source, json) in ModelRulesTests.CorpusResources())
        {
            if (AssertReadAsFirelyReads(source, json)) readHere++;
            if (FirelyRead(json, out _) is not null) readByFirely++;
        }

        // Given back: the few with a primitive's extension ("_birthDate") or a wrong-cased name, and those wrong on purpose.
        Assert.True(readByFirely > 150, $"only {readByFirely} resources read by Firely");
        Assert.True(readHere > readByFirely * 8 / 10, $"only {readHere} of {readByFirely} read by this reader");
    }

    [Fact]
    public void DamagedCopiesOfThoseResources_AreReadAsFirelyReadsThem_OrGivenBack()
    {
        var compared = 0;
        var readHere = 0;
        foreach (var (source, json) in ModelRulesTests.CorpusResources())
            foreach (var (damage, damaged) in ModelRulesTests.Damaged(json, ModelRulesTests.MutationsPerResource))
            {
                if (AssertReadAsFirelyReads($"{source} with {damage}", damaged)) readHere++;
                compared++;
            }

        Assert.True(compared > 10000, $"only {compared} damaged copies compared");
        // Many damages leave a resource Firely reads without an error (a value of another kind, an element removed).
        Assert.True(readHere > compared / 5, $"only {readHere} of {compared} read by this reader");
    }

    /// <summary>Resources Firely's reader reads without an error: this reader reads them into the same objects.</summary>
    public static TheoryData<string, string> ReadHere => new()
    {
        { "a choice of a primitive and of a complex type", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2024-01-01","valueQuantity":{"value":1.50,"unit":"mg"}}""" },
        { "numbers: a decimal as its literal, an integer, a decimal given as an integer", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":3},"component":[{"code":{"text":"a"},"valueInteger":7},{"code":{"text":"b"},"valueDecimal":1.000}]}""" },
        { "a number, a boolean where strings are (Firely keeps them; the model rules refuse)", """{"resourceType":"Patient","name":[{"family":12}],"gender":true}""" },
        { "a string where a boolean is", """{"resourceType":"Patient","active":"true"}""" },
        { "an empty string and escapes in values", """{"resourceType":"Patient","name":[{"family":"","given":["A\u00e9\"\n"]}]}""" },
        { "contained resources and a Bundle of Bundles", """{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","name":"O"}],"managingOrganization":{"reference":"#o"}}}]}}]}""" },
        { "a narrative and extensions of several types", """{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"extension":[{"url":"http://x.test/a","valueCode":"c"},{"url":"http://x.test/b","valueReference":{"reference":"Patient/1"}},{"url":"http://x.test/c","extension":[{"url":"d","valueBoolean":false}]}]}""" },
        { "a resource's type that no element names (Parameters.parameter.resource)", """{"resourceType":"Parameters","parameter":[{"name":"a","resource":{"resourceType":"Patient","id":"1"}},{"name":"b","valueString":"x"}]}""" },
        { "an unknown code of a required binding (the model rules refuse it)", """{"resourceType":"Patient","gender":"unknown-gender"}""" },
    };

    [Theory]
    [MemberData(nameof(ReadHere))]
    public void ACraftedResourceFirelyReads_IsReadHereIntoTheSameObjects(string what, string json)
    {
        Assert.NotNull(FirelyRead(json, out var issues));
        Assert.True(AssertReadAsFirelyReads(what, json), $"{what}: given back ({issues})");
    }

    /// <summary>Resources on which Firely's reader reports an error, binds a name in another case, or keeps an overflow: given back.</summary>
    public static TheoryData<string, string> GivenBack => new()
    {
        { "an empty object", """{"resourceType":"Patient","name":[{}]}""" },
        { "a resource with nothing but its type", """{"resourceType":"Patient"}""" },
        { "an empty array", """{"resourceType":"Patient","name":[]}""" },
        { "a null in an array", """{"resourceType":"Patient","name":[null]}""" },
        { "a null value", """{"resourceType":"Patient","gender":null}""" },
        { "an array in an array", """{"resourceType":"Patient","name":[[{"family":"A"}]]}""" },
        { "an element given twice", """{"resourceType":"Patient","gender":"male","gender":"female"}""" },
        { "a choice given under two types", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","valueBoolean":true}""" },
        { "a choice without its type", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"value":"1"}""" },
        { "a choice with an unknown type", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueFoo":"1"}""" },
        { "an unknown element", """{"resourceType":"Patient","name":[{"family":"A","nickname":"B"}]}""" },
        { "a wrong-cased element", """{"resourceType":"Patient","birthdate":"1960-01-01"}""" },
        { "a wrong-cased choice suffix", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valuestring":"1"}""" },
        { "a wrong-cased resource type", """{"resourceType":"patient","id":"1"}""" },
        { "an unknown resource type", """{"resourceType":"Patiento","id":"1"}""" },
        { "no resource type", """{"id":"1"}""" },
        { "the resource type not first", """{"id":"1","resourceType":"Patient"}""" },
        { "the resource type given twice", """{"resourceType":"Patient","id":"1","resourceType":"Patient"}""" },
        { "a resource type that is not a string", """{"resourceType":1,"id":"1"}""" },
        { "a data type where a resource belongs", """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"HumanName","family":"A"}}]}""" },
        { "a primitive's extension", """{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://x.test/e","valueString":"y"}]}}""" },
        { "a primitive's value as an element", """{"resourceType":"Patient","birthDate":{"value":"1960-01-01"}}""" },
        { "an object where a primitive belongs", """{"resourceType":"Patient","gender":{"text":"x"}}""" },
        { "a primitive where an object belongs", """{"resourceType":"Patient","maritalStatus":"M"}""" },
        { "an array where one value belongs", """{"resourceType":"Patient","gender":["male"]}""" },
        { "one value where an array belongs", """{"resourceType":"Patient","name":{"family":"A"}}""" },
        { "a number too large for a decimal", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueDecimal":1e40}""" },
        { "an escaped element name", """{"resourceType":"Patient","\u0067ender":"male"}""" },
        { "a resourceType inside a data type", """{"resourceType":"Patient","name":[{"resourceType":"HumanName","family":"A"}]}""" },
        { "not JSON", """{"resourceType":"Patient",""" },
        { "not an object", """["resourceType"]""" },
    };

    [Theory]
    [MemberData(nameof(GivenBack))]
    public void ACraftedResourceFirelyReportsOnOrReadsDifferently_IsGivenBack(string what, string json) =>
        Assert.True(PocoJsonReader.TryRead(Encoding.UTF8.GetBytes(json)) is null, $"{what}: read here");

    /// <summary>
    /// When this reader reads <paramref name="json"/>, Firely's reader reads it without an error into exactly the same
    /// objects; true when it was read here.
    /// </summary>
    private static bool AssertReadAsFirelyReads(string what, string json)
    {
        if (PocoJsonReader.TryRead(Encoding.UTF8.GetBytes(json)) is not { } read) return false;
        var reference = FirelyRead(json, out var issues);
        Assert.True(reference is not null, $"{what}: read here, but Firely's reader reports {issues}");
        Assert.True(reference.IsExactly(read), $"{what}: read differently\nFirely: {Serializer.SerializeToString(reference)}\nhere:   {Serializer.SerializeToString(read)}");
        return true;
    }

    /// <summary>Firely's reader without its validator; null (with what it reports) when it reports anything.</summary>
    private static Resource? FirelyRead(string json, out string? issues)
    {
        issues = null;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            if (SyntaxOnly.TryDeserializeResource(ref reader, out var resource, out var errors)) return resource;
            issues = string.Join("; ", errors.Select(e => e.Message));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or InvalidCastException or CodedException)
        {
            issues = e.Message;
        }
        return null;
    }
}
