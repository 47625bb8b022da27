using Coverage.Store.Entities;

namespace Coverage.Store;

/// <summary>Audit events as auditors read them.</summary>
internal static class AuditEventViews
{
    /// <summary>An event as auditors read it; an aggregated one (refusals from one source) says in its detail how many it stands for.</summary>
    public static AuditEventView From(AuditEventRecord a) => new(
        a.Id, DateTime.SpecifyKind(a.At, DateTimeKind.Utc), a.Action, a.Actor, a.ActorRole,
        a.Occurrences > 1
            ? $"{a.Detail} ({a.Occurrences} occurrences from {a.Source ?? "an unknown source"}, the last at {DateTime.SpecifyKind(a.LastAt ?? a.At, DateTimeKind.Utc):yyyy-MM-ddTHH:mm:ssZ})"
            : a.Detail,
        a.ActorIssuer, a.ActorClient, a.ActorSubject, a.Source, a.Occurrences);
}
