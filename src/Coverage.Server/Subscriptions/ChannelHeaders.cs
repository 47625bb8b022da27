using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// A subscription's channel headers (usually an Authorization the receiver checks) are the client's secrets: they are
/// kept encrypted with the server's data protection keys, sent with each notification, and never logged, audited or
/// shown back.
/// </summary>
public sealed class ChannelHeaders(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Coverage.Subscriptions.ChannelHeaders");

    public string? Protect(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.Count == 0 ? null : _protector.Protect(JsonSerializer.Serialize(headers.Select(h => new[] { h.Key, h.Value })));

    public IReadOnlyList<KeyValuePair<string, string>> Unprotect(string? protectedHeaders)
    {
        if (protectedHeaders is null) return [];
        var pairs = JsonSerializer.Deserialize<string[][]>(_protector.Unprotect(protectedHeaders)) ?? [];
        return [.. pairs.Where(p => p.Length == 2).Select(p => new KeyValuePair<string, string>(p[0], p[1]))];
    }
}
