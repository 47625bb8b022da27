using System.Net;
using System.Net.Sockets;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// Guards the calls a subscription makes the server send (server-side request forgery): an endpoint must resolve to
/// public addresses only — not loopback, private, link-local (169.254.169.254, the cloud metadata service),
/// carrier-grade NAT, multicast, reserved, or IPv6 that reaches IPv4 through a translator or tunnel (NAT64,
/// IPv4-compatible, 6to4, Teredo; an IPv4-mapped address is judged as its IPv4 address) — unless the operator's
/// <see cref="SubscriptionOptions.AllowedNetworks"/> name it. The check is made when the subscription is created and
/// again on every connection, on the addresses the connection then uses (a name that later resolves elsewhere is
/// checked anew and cannot slip past).
/// </summary>
public sealed class EndpointGuard(SubscriptionOptions options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<IPNetwork> _allowed = [.. options.AllowedNetworks.Select(n => IPNetwork.Parse(n))];

    private static readonly IPNetwork[] Internal =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
            "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
            // IPv6 forms that carry an IPv4 address and may reach it through a translator or tunnel, as NAT64 above
            // does: IPv4-compatible (deprecated, ::a.b.c.d), Teredo and 6to4. No public receiver lives there; an operator
            // may allow one. Until the FHIR attack audit, https://[::127.0.0.1]/ and https://[2002:a9fe:a9fe::1]/ passed.
            "::/96", "2001::/32", "2002::/16",
        }.Select(n => IPNetwork.Parse(n)),
    ];

    /// <summary>Loopback, private, link-local, shared, documentation, multicast or reserved: not a public address.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Internal.Any(n => n.Contains(address));
    }

    public bool MayCall(IPAddress address) =>
        !IsInternal(address) || _allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));

    /// <summary>The endpoint's addresses, or why it may not be called.</summary>
    public async Task<(IPAddress[] Addresses, string? Refusal)> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) addresses = [literal];
        else
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ResolveTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, deadline.Token);
            }
            catch (SocketException)
            {
                return ([], $"the host '{host}' does not resolve");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ([], $"the host '{host}' did not resolve within {ResolveTimeout.TotalSeconds:0} s");
            }
        }
        if (addresses.Length == 0) return ([], $"the host '{host}' does not resolve");
        var refused = addresses.FirstOrDefault(a => !MayCall(a));
        return refused is null ? (addresses, null)
            : ([], $"the host '{host}' resolves to {refused}, an internal address this server does not call (an operator may allow a network: {SubscriptionOptions.Section}:AllowedNetworks)");
    }

    /// <summary>The connection a notification goes over: only to the addresses just checked.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (addresses, refusal) = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (refusal is not null) throw new EndpointRefusedException(refusal);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>An endpoint the guard refused: the reason is safe to tell the subscription's owner.</summary>
public sealed class EndpointRefusedException(string message) : Exception(message);
