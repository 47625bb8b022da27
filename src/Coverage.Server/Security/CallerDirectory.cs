using System.Security.Claims;
using Coverage.Engine.Text;
using Coverage.Server.Workbench;

namespace Coverage.Server.Security;

/// <summary>
/// Resolves who is calling from what authenticated them, never from a request body: an API access token
/// (issuer, client_id, sub, mapped through Api:Authentication:Clients and People) or a workbench session
/// (the signed-in account). The result is the one <see cref="Caller"/> every endpoint hands the case workflow.
/// </summary>
public sealed class CallerDirectory(ApiAuthenticationOptions options, WorkbenchAccounts accounts, ReportingLines reportingLines)
{
    /// <summary>The organisation of the payer's own staff and systems.</summary>
    public const string PayerOrganisation = "payer";

    private readonly Dictionary<(string Issuer, string ClientId), ApiClient> _clients =
        options.Clients.ToDictionary(c => (c.Issuer, c.ClientId));
    private readonly Dictionary<(string Issuer, string Subject), ApiPerson> _people =
        options.People.ToDictionary(p => (p.Issuer, p.Subject));

    public Caller Resolve(HttpContext context)
    {
        var user = context.User;
        var source = SourceAddress.Of(context);
        if (user.Identity?.IsAuthenticated == true)
        {
            if (user.Identity.AuthenticationType == WorkbenchSetup.Scheme)
            {
                var reviewer = reportingLines.Place(user.Reviewer());
                return new Caller(new Actor(reviewer.Id, reviewer.Role, Source: source), PayerOrganisation, CallerAccess.PayerStaff, reviewer);
            }
            if (user.FindFirstValue("iss") is { } issuer) return FromToken(user, issuer, source);
        }
        if (!options.Enabled) return Development(source);
        // Unreachable behind the endpoints' policies; if it is ever reached, the caller sees nothing.
        return new Caller(Actor.Anonymous with { Source = source }, "anonymous", CallerAccess.Submitter);
    }

    private Caller FromToken(ClaimsPrincipal user, string issuer, string? source)
    {
        // Authentication refused a token without exactly one client id (client_id, else azp), one string (AccessTokenClient):
        // there is no unnamed client, whose tokens would all be one organisation. Were one ever to get here, it sees nothing.
        if (AccessTokenClient.Of(user) is not { Length: > 0 } clientId)
            return new Caller(Actor.Anonymous with { Source = source }, "anonymous", CallerAccess.Submitter);
        var subject = user.FindFirstValue("sub");
        var client = _clients.GetValueOrDefault((issuer, clientId));
        // A user-context token names a person as its subject; a client-credentials token names the client (or no one).
        var person = subject is not null && subject != clientId ? _people.GetValueOrDefault((issuer, subject)) : null;
        var id = person?.Id ?? clientId;
        // Cut to the audit columns' widths: even a signed token cannot make an audit row too long for the store.
        var actor = new Actor(Bounded.Column(id, 128)!, person?.Role ?? "api-client", Bounded.Column(issuer, 256), Bounded.Column(clientId, 256), Bounded.Column(subject, 256), source);
        if (person is not null)
            return new Caller(actor, client?.Organisation ?? PayerOrganisation, CallerAccess.PayerStaff, reportingLines.Place(new Reviewer(person.Id, person.Name, person.Role)));
        if (client is not null)
            return new Caller(actor, client.Organisation, client.Access == "payer" ? CallerAccess.PayerStaff : CallerAccess.Submitter);
        // An unconfigured client is an organisation of its own: it sees only what it submitted.
        return new Caller(actor, Bounded.Column($"client:{clientId}@{issuer}", 256)!, CallerAccess.Submitter);
    }

    /// <summary>Development without authentication: the configured development account, else an anonymous payer caller.</summary>
    private Caller Development(string? source)
    {
        if (options.DevelopmentCaller is { } id && accounts.Find(id) is { } account)
        {
            var reviewer = reportingLines.Place(new Reviewer(account.Id, account.Name, account.Role));
            return new Caller(new Actor(account.Id, account.Role, Source: source), PayerOrganisation, CallerAccess.PayerStaff, reviewer);
        }
        return new Caller(new Actor("development", "api-client", Source: source), PayerOrganisation, CallerAccess.PayerStaff);
    }
}

/// <summary>The caller of the current request, for endpoints.</summary>
internal static class CallerExtensions
{
    public static Caller Caller(this HttpContext context) => context.RequestServices.GetRequiredService<CallerDirectory>().Resolve(context);
}
