using System.Security.Claims;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>Who is calling, for the audit trail: the authenticated user when there is one.</summary>
internal static class Callers
{
    public static Actor Actor(HttpContext context)
    {
        var user = context.User;
        var name = user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;
        return name is null ? Store.Actor.Anonymous : new Actor(name, user.FindFirstValue(ClaimTypes.Role));
    }
}
