namespace Coverage.Store.Entities;

/// <summary>
/// One entry of the append-only audit trail: who did what, when. Events about a case name the case;
/// events about a service call (a CDS Hooks call) name their subject instead.
/// </summary>
public sealed class AuditEventRecord
{
    public long Id { get; set; }
    public Guid? CaseId { get; set; }
    /// <summary>What the event is about when it is not a case, such as "cds-hooks/order-sign".</summary>
    public string? Subject { get; set; }
    public DateTime At { get; set; }
    public string Action { get; set; } = "";
    public string Actor { get; set; } = "";
    public string? ActorRole { get; set; }
    /// <summary>The token issuer of an authenticated caller (null for workbench users and unauthenticated sources).</summary>
    public string? ActorIssuer { get; set; }
    /// <summary>The OAuth client the caller used (client_id), when a token named one.</summary>
    public string? ActorClient { get; set; }
    /// <summary>The token's subject (a person for user-context tokens; the client for client credentials).</summary>
    public string? ActorSubject { get; set; }
    /// <summary>The network source (client IP address) of the call.</summary>
    public string? Source { get; set; }
    /// <summary>How many occurrences this event stands for: refusals from one source are aggregated into one event per window.</summary>
    public int Occurrences { get; set; } = 1;
    /// <summary>When the last occurrence of an aggregated event happened (null: one occurrence, at <see cref="At"/>).</summary>
    public DateTime? LastAt { get; set; }
    /// <summary>Plain words about the event; never member data beyond what the case already holds.</summary>
    public string Detail { get; set; } = "";
}
