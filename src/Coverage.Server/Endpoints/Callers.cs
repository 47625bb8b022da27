using System.Security.Claims;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>Who is calling, for the audit trail: the authenticated user when there is one.</summary>
internal static class Callers
{
    public static Actor Actor(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true) return Store.Actor.Anonymous;
        // API clients (client_id or sub of their token) and workbench users (their account id and role).
        var name = user.FindFirstValue("client_id") ?? user.FindFirstValue("sub") ?? user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        return name is null ? Store.Actor.Anonymous : new Actor(name, user.FindFirstValue(ClaimTypes.Role) ?? "api-client");
    }
}
