using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Coverage.Server.Security;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the reverse proxies configured in
/// Security:KnownProxies (addresses) and Security:KnownNetworks (CIDR ranges) — none by default, not even
/// loopback — so that a client cannot choose the address it is rate-limited and audited by, or claim HTTPS.
/// Behind a TLS-terminating proxy, list it: the request is then seen as HTTPS, which the Secure cookies and
/// HSTS need.
/// </summary>
public static class ProxySetup
{
    public static IServiceCollection AddKnownProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection("Security:KnownProxies").Get<string[]>() ?? [];
        var networks = configuration.GetSection("Security:KnownNetworks").Get<string[]>() ?? [];
        var parsedProxies = proxies.Select(p => IPAddress.TryParse(p, out var address)
            ? address : throw new InvalidOperationException($"Security:KnownProxies: '{p}' is not an IP address.")).ToList();
        var parsedNetworks = networks.Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network : throw new InvalidOperationException($"Security:KnownNetworks: '{n}' is not a CIDR range such as 10.0.0.0/8.")).ToList();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            // With both lists empty the middleware would believe every sender: so without a configured proxy, no header is read at all.
            options.ForwardedHeaders = parsedProxies.Count + parsedNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in parsedProxies) options.KnownProxies.Add(address);
            foreach (var network in parsedNetworks) options.KnownIPNetworks.Add(network);
        });
        return services;
    }
}
