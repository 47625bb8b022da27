namespace Coverage.Server.Security;

/// <summary>Checks Api:Authentication at start: a mistake there must stop the server, not open it.</summary>
internal static class ApiAuthenticationValidation
{
    public static List<string> Problems(ApiAuthenticationOptions options)
    {
        var problems = new List<string>();
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            if (string.IsNullOrWhiteSpace(issuer.Issuer)) problems.Add($"Issuers[{i}].Issuer is empty");
            // An issuer without an audience would accept its tokens minted for any resource server.
            if (string.IsNullOrWhiteSpace(issuer.Audience)) problems.Add($"Issuers[{i}].Audience is empty: each issuer's tokens must name this server");
            if (options.Issuers.Take(i).Any(o => o.Issuer == issuer.Issuer)) problems.Add($"Issuers[{i}].Issuer '{issuer.Issuer}' is listed twice");
            // Without keys every token of the issuer would be refused; with both, which set counts would be a guess.
            if ((issuer.Jwks is null) == (issuer.JwksUri is null))
                problems.Add($"Issuers[{i}] must have one key source: Jwks (its JWK Set inline) or JwksUri (where it publishes the set), not {(issuer.Jwks is null ? "neither" : "both")}");
            else if (issuer.JwksUri is { } url && KeySetUrl.Problem(url) is { } uriProblem) problems.Add($"Issuers[{i}].JwksUri {uriProblem}");
            else if (issuer.Jwks is { } jwks && KeySetUrl.InlineSetProblem(jwks) is { } setProblem) problems.Add($"Issuers[{i}].Jwks {setProblem}");
        }
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            if (string.IsNullOrWhiteSpace(client.ClientId)) problems.Add($"Clients[{i}].ClientId is empty");
            if (string.IsNullOrWhiteSpace(client.Organisation)) problems.Add($"Clients[{i}].Organisation is empty");
            if (client.Access is not ("submitter" or "payer")) problems.Add($"Clients[{i}].Access '{client.Access}' is not submitter or payer");
            if (options.Issuers.All(o => o.Issuer != client.Issuer)) problems.Add($"Clients[{i}].Issuer '{client.Issuer}' is not one of Issuers");
        }
        for (var i = 0; i < options.People.Count; i++)
        {
            var person = options.People[i];
            if (string.IsNullOrWhiteSpace(person.Subject)) problems.Add($"People[{i}].Subject is empty");
            if (string.IsNullOrWhiteSpace(person.Id)) problems.Add($"People[{i}].Id is empty");
            if (string.IsNullOrWhiteSpace(person.Name)) problems.Add($"People[{i}].Name is empty");
            if (!ReviewerRoles.All.Contains(person.Role)) problems.Add($"People[{i}].Role '{person.Role}' is not one of {string.Join(", ", ReviewerRoles.All)}");
            if (options.Issuers.All(o => o.Issuer != person.Issuer)) problems.Add($"People[{i}].Issuer '{person.Issuer}' is not one of Issuers");
        }
        if (options.MaxTokenLifetimeMinutes is < 1 or > 24 * 60) problems.Add("MaxTokenLifetimeMinutes must be from 1 to 1440");
        return problems;
    }
}
