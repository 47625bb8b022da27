using System.Net;
using System.Net.Sockets;

namespace Coverage.Server.Security;

/// <summary>
/// The network source of a call, as limits and security events count it: the client's IPv4 address, or the /64
/// network of an IPv6 address (one IPv6 host holds a whole /64, so counting single IPv6 addresses would let it
/// change address for every call). The address is the connection's, after the forwarded-headers middleware has
/// put the client's address there for calls from configured proxies.
/// </summary>
public static class SourceAddress
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address)) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
