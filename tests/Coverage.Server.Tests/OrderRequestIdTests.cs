using Coverage.Engine.Validation;
using Coverage.Fhir.Crd;

namespace Coverage.Server.Tests;

public sealed class OrderRequestIdTests
{
    [Fact]
    public void UuidHookInstance_GivesTheReadableId()
    {
        Assert.Equal("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea/ServiceRequest/sr-1",
            OrderRequestId.For("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "ServiceRequest", "sr-1"));
    }

    [Theory]
    [InlineData(128 - 17, false)] // "/ServiceRequest/x" is 17 characters: the whole id is 128, still readable
    [InlineData(128 - 16, true)]
    [InlineData(100_000, true)]
    public void TooLongForARequestId_IsADigestOfTheWholeText(int hookInstanceLength, bool digested)
    {
        var id = OrderRequestId.For(new string('h', hookInstanceLength), "ServiceRequest", "x");

        Assert.Equal(digested, id.StartsWith(OrderRequestId.DigestPrefix, StringComparison.Ordinal));
        Assert.True(id.Length <= Identifiers.MaxLength);
        Assert.True(Identifiers.IsPrintableAscii(id));
    }

    [Theory]
    [InlineData("séance")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    public void NotPrintableAscii_IsADigest(string hookInstance)
    {
        var id = OrderRequestId.For(hookInstance, "ServiceRequest", "sr-1");

        Assert.StartsWith(OrderRequestId.DigestPrefix, id, StringComparison.Ordinal);
        Assert.True(Identifiers.IsPrintableAscii(id));
    }

    [Fact]
    public void Digests_AreTheSameForTheSameOrder_AndDifferForAnother()
    {
        var hookInstance = new string('h', 200);

        var first = OrderRequestId.For(hookInstance, "ServiceRequest", "sr-1");

        Assert.Equal(first, OrderRequestId.For(hookInstance, "ServiceRequest", "sr-1"));
        Assert.NotEqual(first, OrderRequestId.For(hookInstance, "ServiceRequest", "sr-2"));
        Assert.NotEqual(first, OrderRequestId.For(hookInstance, "DeviceRequest", "sr-1"));
        Assert.NotEqual(first, OrderRequestId.For(hookInstance + "x", "ServiceRequest", "sr-1"));
    }
}
