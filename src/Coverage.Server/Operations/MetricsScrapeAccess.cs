using System.Net;

namespace Coverage.Server.Operations;

/// <summary>Metrics:Prometheus:* — the Prometheus scrape endpoint, off unless configured.</summary>
public sealed class PrometheusOptions
{
    public const string Section = "Metrics:Prometheus";

    /// <summary>Serve GET /metrics on the server's port.</summary>
    public bool Enabled { get; set; }
    /// <summary>The networks a scraper may call from (CIDR, e.g. "10.0.0.0/8"); the loopback addresses always may.</summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary>
/// Who may scrape /metrics: a caller that connects directly from loopback or an allowed network. A request that
/// came through a proxy (any forwarding header, or one the forwarded headers middleware consumed) is refused
/// whatever its address, so that a reverse proxy on the same host cannot publish the metrics to the internet by
/// accident. A refused scrape is answered 404, as if nothing were there.
/// </summary>
public sealed class MetricsScrapeAccess
{
    private readonly bool _enabled;
    private readonly IReadOnlyList<System.Net.IPNetwork> _allowed;

    public MetricsScrapeAccess(PrometheusOptions options)
    {
        _enabled = options.Enabled;
        _allowed = options.AllowedNetworks.Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"{PrometheusOptions.Section}:AllowedNetworks: '{n}' is not a network in CIDR notation.")).ToList();
    }

    public bool Enabled => _enabled;

    public bool Allows(HttpContext context)
    {
        if (!_enabled || !context.Request.Path.Equals("/metrics", StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method)) return false;
        var headers = context.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Original-For") || headers.ContainsKey("Forwarded")) return false;
        if (context.Connection.RemoteIpAddress is not { } address) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return IPAddress.IsLoopback(address) || _allowed.Any(n => n.Contains(address));
    }
}
