using System.Security.Claims;
using Coverage.Server.Security;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// The SMART system scopes that allow an interaction on Subscription: v1 (system/Subscription.read, .write, .*) and v2
/// (system/Subscription.cruds, any subset naming the interaction's letter), for Subscription or for every type (*).
/// </summary>
public static class SubscriptionScopes
{
    public const string CreatePolicy = "fhir.subscription.create";
    public const string ReadPolicy = "fhir.subscription.read";
    public const string UpdatePolicy = "fhir.subscription.update";
    public const string DeletePolicy = "fhir.subscription.delete";

    public static bool Allows(ClaimsPrincipal user, char interaction) => ApiAuthentication.Scopes(user).Any(s => Allows(s, interaction));

    /// <param name="interaction">c, r, u or d.</param>
    public static bool Allows(string scope, char interaction)
    {
        if (!scope.StartsWith("system/", StringComparison.Ordinal)) return false;
        var rest = scope["system/".Length..];
        var dot = rest.IndexOf('.');
        if (dot < 0 || rest[..dot] is not ("Subscription" or "*")) return false;
        var permissions = rest[(dot + 1)..].Split('?', 2)[0];
        return permissions switch
        {
            "*" => true,
            "read" => interaction == 'r',
            "write" => interaction is 'c' or 'u' or 'd',
            _ => permissions.Length > 0 && permissions.All(p => "cruds".Contains(p)) && permissions.Contains(interaction),
        };
    }
}
