using Coverage.Server.Security;

namespace Coverage.Server.CdsHooks;

/// <summary>
/// Checks CdsHooks:Authentication at start, as Api:Authentication is checked: a CDS client's keys that could be replaced
/// on the way (a JWK Set URL in the clear) or that cannot be read must stop the server, not open it or refuse every call.
/// </summary>
internal static class CdsHooksAuthenticationValidation
{
    public static List<string> Problems(CdsHooksAuthenticationOptions options)
    {
        var problems = new List<string>();
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            if (string.IsNullOrWhiteSpace(issuer.Issuer)) problems.Add($"Issuers[{i}].Issuer is empty");
            if (issuer.Jwks is { } jwks && KeySetUrl.InlineSetProblem(jwks) is { } setProblem) problems.Add($"Issuers[{i}].Jwks {setProblem}");
            if (issuer.JwksUri is { } url && KeySetUrl.Problem(url) is { } uriProblem) problems.Add($"Issuers[{i}].JwksUri {uriProblem}");
            for (var j = 0; j < issuer.AllowedJku.Count; j++)
                if (KeySetUrl.Problem(issuer.AllowedJku[j]) is { } jkuProblem) problems.Add($"Issuers[{i}].AllowedJku[{j}] {jkuProblem}");
        }
        return problems;
    }
}
