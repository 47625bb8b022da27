namespace Coverage.Cases;

/// <summary>
/// One audit event: what happened, and who did it as they were authenticated — the actor and role, and for a
/// token the issuer, client and subject; the network source; how many occurrences an aggregated event stands for.
/// </summary>
public sealed record AuditEventView(
    long Id, DateTime At, string Action, string Actor, string? ActorRole, string Detail,
    string? ActorIssuer = null, string? ActorClient = null, string? ActorSubject = null, string? Source = null, int Occurrences = 1);
