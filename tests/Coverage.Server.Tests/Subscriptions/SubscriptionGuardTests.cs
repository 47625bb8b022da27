using System.Net;
using Coverage.Server.Subscriptions;

namespace Coverage.Server.Tests.Subscriptions;

/// <summary>The SSRF guard's address classes and the allow-list, and which SMART scopes allow which interaction.</summary>
public sealed class SubscriptionGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.5")]
    [InlineData("172.31.255.1")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("2001:0:a9fe:a9fe::1")]
    public void InternalAddresses_AreNotCalled_UnlessAllowListed(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.True(EndpointGuard.IsInternal(ip));
        Assert.False(new EndpointGuard(new SubscriptionOptions()).MayCall(ip));
        var network = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        Assert.True(new EndpointGuard(new SubscriptionOptions { AllowedNetworks = [$"{network}/{(network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}"] }).MayCall(ip));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    public void PublicAddresses_AreCalled(string address) =>
        Assert.True(new EndpointGuard(new SubscriptionOptions()).MayCall(IPAddress.Parse(address)));

    [Theory]
    [InlineData("system/Subscription.c", 'c', true)]
    [InlineData("system/Subscription.cruds", 'd', true)]
    [InlineData("system/Subscription.rs", 'c', false)]
    [InlineData("system/Subscription.read", 'r', true)]
    [InlineData("system/Subscription.read", 'u', false)]
    [InlineData("system/Subscription.write", 'd', true)]
    [InlineData("system/*.*", 'u', true)]
    [InlineData("system/Claim.c", 'c', false)]
    [InlineData("user/Subscription.*", 'r', false)]
    public void Scopes(string scope, char interaction, bool allowed) => Assert.Equal(allowed, SubscriptionScopes.Allows(scope, interaction));

    [Fact]
    public void AnAllowListThatIsNotANetwork_StopsTheServer() =>
        Assert.Contains(new SubscriptionOptions { AllowedNetworks = ["localhost"] }.Problems(), p => p.Contains("CIDR", StringComparison.Ordinal));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void ConcurrentDeliveries_AreOneToSixtyFour(int concurrent, bool accepted) =>
        Assert.Equal(accepted, !new SubscriptionOptions { ConcurrentDeliveries = concurrent }.Problems().Any(p => p.Contains("ConcurrentDeliveries", StringComparison.Ordinal)));
}
