using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Security;

/// <summary>
/// The client an API access token was issued to, read exactly (docs/decisions.md "A hook call's fields and an access
/// token's client read exactly"). RFC 9068 §2.2 makes <c>client_id</c> REQUIRED and a string; an issuer that writes the
/// OpenID Connect <c>azp</c> (authorized party) instead is read from that, but only when the token has no
/// <c>client_id</c> at all. Whichever claim names the client must be there once, as one JSON string of 1 to
/// <see cref="MaxLength"/> printable ASCII characters (RFC 6749's VSCHAR) that neither begins nor ends with a space. A
/// token without one — or with an empty one, a list, a number, or text with a NUL — is refused at authentication (401):
/// before, every such token was one organisation ("unnamed-client"), or the first of a list silently became it. A
/// <c>sub</c>, optional here (a client-credentials token may have none), is held to the same when present: it names a
/// person.
/// </summary>
public static class AccessTokenClient
{
    /// <summary>The longest client id (and sub): the audit actor's id column holds 128 characters, and a longer id cut to fit would be another client's.</summary>
    public const int MaxLength = 128;

    /// <summary>The client id of a token that passed authentication (<see cref="Problem"/> found nothing wrong with it).</summary>
    public static string? Of(ClaimsPrincipal user) => user.FindFirstValue("client_id") ?? user.FindFirstValue("azp");

    /// <summary>Why a validated token's client (or subject) cannot be used, or null when it can.</summary>
    public static string? Problem(SecurityToken? token)
    {
        if (token is not JsonWebToken jwt) return "the access token is not a JWT";
        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            return "the access token's payload cannot be read";
        }
        using (payload)
        {
            if (payload.RootElement.ValueKind != JsonValueKind.Object) return "the access token's payload is not a JSON object";
            var clientIds = Members(payload.RootElement, "client_id");
            var (name, values) = clientIds.Count > 0 ? ("client_id", clientIds) : ("azp", Members(payload.RootElement, "azp"));
            if (values.Count == 0) return "client_id: required (RFC 9068 §2.2)";
            if (ProblemOf(name, values) is { } problem) return problem;
            var subjects = Members(payload.RootElement, "sub");
            return subjects.Count == 0 ? null : ProblemOf("sub", subjects);
        }
    }

    private static string? ProblemOf(string name, List<JsonElement> values)
    {
        if (values.Count > 1) return $"{name}: given more than once";
        var value = values[0];
        if (value.ValueKind != JsonValueKind.String) return $"{name}: must be one string, not {value.ValueKind.ToString().ToLowerInvariant()}";
        var text = value.GetString()!;
        if (text.Length == 0) return $"{name}: must not be empty";
        if (text.Length > MaxLength) return $"{name}: longer than {MaxLength} characters";
        if (text.Any(c => c is < ' ' or > '~')) return $"{name}: must be printable ASCII (RFC 6749 VSCHAR)";
        if (text[0] == ' ' || text[^1] == ' ') return $"{name}: must not begin or end with a space";
        return null;
    }

    private static List<JsonElement> Members(JsonElement payload, string name)
    {
        var found = new List<JsonElement>();
        foreach (var member in payload.EnumerateObject())
            if (member.NameEquals(name)) found.Add(member.Value);
        return found;
    }
}
