using System.Security.Claims;
using Coverage.Store;

namespace Coverage.Server.Security;

/// <summary>
/// The audited actor of a call: the authenticated principal as its token names it (client_id, sub, iss), or
/// anonymous, with the call's network source. Values are cut to the audit columns' widths: even a signed token
/// cannot make an audit row too long for the store.
/// </summary>
public static class AuditActor
{
    public static Actor Of(HttpContext context)
    {
        var source = SourceAddress.Of(context);
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true) return Actor.Anonymous with { Source = source };
        var client = user.FindFirstValue("client_id");
        var subject = user.FindFirstValue("sub");
        var id = client ?? subject ?? user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unnamed";
        return new Actor(
            Bounded.Column(id, 128)!,
            Bounded.Column(user.FindFirstValue(ClaimTypes.Role) ?? "api-client", 32),
            Bounded.Column(user.FindFirstValue("iss"), 256),
            Bounded.Column(client, 256),
            Bounded.Column(subject, 256),
            source);
    }
}
