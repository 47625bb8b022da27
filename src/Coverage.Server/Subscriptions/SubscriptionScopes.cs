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

    /// <summary>
    /// Each policy, and scopes that satisfy it, as the API's description lists them: v1, v2 and the wildcard type. Any other
    /// v2 subset naming the interaction's letter (<c>system/Subscription.cruds</c>) satisfies it too.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DocumentedByPolicy = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [CreatePolicy] = ["system/Subscription.c", "system/Subscription.write", "system/Subscription.*", "system/*.c", "system/*.write", "system/*.*"],
        [ReadPolicy] = ["system/Subscription.r", "system/Subscription.read", "system/Subscription.*", "system/*.r", "system/*.read", "system/*.*"],
        [UpdatePolicy] = ["system/Subscription.u", "system/Subscription.write", "system/Subscription.*", "system/*.u", "system/*.write", "system/*.*"],
        [DeletePolicy] = ["system/Subscription.d", "system/Subscription.write", "system/Subscription.*", "system/*.d", "system/*.write", "system/*.*"],
    };

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
