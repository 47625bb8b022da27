namespace Coverage.Server.Security;

/// <summary>
/// The audited actor of a call: the authenticated principal as <see cref="CallerDirectory"/> resolves it (person or
/// client, role, issuer, client_id, sub, bounded to the audit columns), or anonymous, with the call's network source.
/// </summary>
public static class AuditActor
{
    public static Actor Of(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.Caller().Actor : Actor.Anonymous with { Source = SourceAddress.Of(context) };
}
