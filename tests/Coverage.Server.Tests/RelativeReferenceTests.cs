using Coverage.Fhir.Crd;

namespace Coverage.Server.Tests;

/// <summary>The references the CRD service reads from an EHR's FHIR server: FHIR's relative literal references, nothing else.</summary>
public sealed class RelativeReferenceTests
{
    [Theory]
    [InlineData("ServiceRequest/sr-9")]
    [InlineData("Observation/a.b-1")]
    [InlineData("DeviceRequest/1/_history/2")]
    public void ARelativeLiteralReference_IsRead(string reference) => Assert.True(RelativeReference.IsLiteral(reference));

    [Theory]
    [InlineData("ServiceRequest/1?_include=ServiceRequest:subject")] // a query
    [InlineData("ServiceRequest/1/Patient/2")] // more path
    [InlineData("ServiceRequest/../Patient/1")]
    [InlineData("https://other.example/fhir/ServiceRequest/1")] // another server's URL
    [InlineData("#contained")]
    [InlineData("ServiceRequest/")]
    [InlineData("serviceRequest/1")]
    [InlineData("ServiceRequest/a b")]
    [InlineData("ServiceRequest/a%2Fb")]
    [InlineData("ServiceRequest/1\n")]
    [InlineData("ServiceRequest/12345678901234567890123456789012345678901234567890123456789012345")] // an id of 65 characters
    public void AnythingElse_IsNot(string reference) => Assert.False(RelativeReference.IsLiteral(reference));
}
