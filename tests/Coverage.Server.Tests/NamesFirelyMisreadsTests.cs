using System.Text;
using System.Text.Json;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Server.Tests;

/// <summary>
/// A <c>resourceType</c> naming a resource in the wrong case is refused, wherever it is, with the name that was meant —
/// though Firely's reader, validating or not, reads it as the resource so named. (The other name Firely misreads, an
/// empty one: <c>FhirJsonTests.Parse_AnEmptyPropertyName_IsRefusedSayingWhere</c>.)
/// </summary>
public sealed class NamesFirelyMisreadsTests
{
    public static TheoryData<string, string, string> Miscased => new()
    {
        { "the resource itself", """{"resourceType":"patient","id":"1"}""", "Patient" },
        { "all capitals", """{"resourceType":"PATIENT","id":"1"}""", "Patient" },
        { "a Bundle's entry", """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"claimResponse","id":"1","status":"active"}}]}""", "ClaimResponse" },
        { "a contained resource", """{"resourceType":"Patient","id":"1","contained":[{"resourceType":"organization","id":"o"}]}""", "Organization" },
        { "escaped in the JSON", """{"resourceType":"\u0070atient","id":"1"}""", "Patient" },
    };

    [Theory]
    [MemberData(nameof(Miscased))]
    public void AMiscasedResourceType_IsRefused_NamingTheResourceMeant(string where, string json, string meant)
    {
        var read = FhirJson.Parse<Resource>(json, out var problems);

        Assert.True(read is null, $"{where}: accepted");
        var issue = Assert.Single(problems!.Issue);
        Assert.Equal(OperationOutcome.IssueType.Invalid, issue.Code);
        Assert.Contains($"the resource named so is '{meant}'", issue.Diagnostics, StringComparison.Ordinal);
        Assert.Equal("resourceType", Assert.Single(issue.Expression));
    }

    [Fact]
    public void FirelysReader_ReadsAMiscasedResourceType_AsTheResourceSoNamed()
    {
        // Why FhirJson checks it itself: neither of Firely's reads refuses it.
        var validating = new FhirJsonDeserializer(new DeserializerSettings());
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes("""{"resourceType":"patient","id":"1"}"""));

        Assert.IsType<Patient>(validating.DeserializeResource(ref reader));
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"1","contained":[{"resourceType":"Organization","id":"o"}]}""")]
    // The escaped name of a well-named resource is its name (Firely reads it; so does FhirJson).
    [InlineData("""{"resourceType":"\u0050atient","id":"1"}""")]
    public void AWellNamedResource_IsRead(string json)
    {
        Assert.IsType<Patient>(FhirJson.Parse<Resource>(json, out var problems));
        Assert.Null(problems);
    }

    [Fact]
    public void AnUnknownResourceType_IsStillFirelysToReport()
    {
        Assert.Null(FhirJson.Parse<Resource>("""{"resourceType":"Patiento","id":"1"}""", out var problems));

        Assert.DoesNotContain(problems!.Issue, i => i.Diagnostics?.Contains("case-sensitive", StringComparison.Ordinal) == true);
        Assert.Contains(problems.Issue, i => i.Diagnostics?.Contains("Patiento", StringComparison.Ordinal) == true);
    }
}
