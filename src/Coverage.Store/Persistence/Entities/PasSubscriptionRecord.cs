namespace Coverage.Store.Entities;

/// <summary>
/// A PAS subscription (R4 Subscriptions Backport, rest-hook, full-resource): an organisation asks to be notified when
/// one of its prior authorization responses changes. It belongs to the organisation of the authenticated caller who
/// created it, never to one a body names.
/// </summary>
public sealed class PasSubscriptionRecord
{
    public Guid Id { get; set; }
    /// <summary>The owning organisation: only its cases are notified, only its callers see or delete the subscription.</summary>
    public string Tenant { get; set; } = "";
    /// <summary>Who created it (the authenticated principal), as the audit trail names them; deliveries are audited with it.</summary>
    public string CreatedBy { get; set; } = "";
    public string? CreatedByIssuer { get; set; }
    public string? CreatedByClient { get; set; }
    /// <summary>requested (until the handshake is accepted), active, error (deliveries failed), off (ended or deleted).</summary>
    public string Status { get; set; } = "";
    public string Topic { get; set; } = "";
    /// <summary>The backport filter criteria as the client sent them (org-identifier=…).</summary>
    public string FilterCriteria { get; set; } = "";
    public string Endpoint { get; set; } = "";
    /// <summary>The MIME type notifications are posted as (channel.payload).</summary>
    public string ContentType { get; set; } = "";
    /// <summary>The payload content (backport-payload-content): always full-resource for PAS (spec-62).</summary>
    public string Content { get; set; } = "";
    /// <summary>The channel headers the client gave (often an Authorization), encrypted by the server; never logged or audited.</summary>
    public string? ProtectedHeaders { get; set; }
    public string? Reason { get; set; }
    public DateTime? End { get; set; }
    /// <summary>How long one delivery may take, in seconds (backport-timeout, capped by the server's own limit).</summary>
    public int TimeoutSeconds { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
    /// <summary>Events numbered so far (events-since-subscription-start); handshakes are not counted.</summary>
    public long EventsSinceStart { get; set; }
    /// <summary>Why the last delivery failed, in plain words (never a header value); cleared by a success.</summary>
    public string? LastError { get; set; }
    /// <summary>The server delivering this subscription's notifications now, and until when (a lease: one deliverer at a time, in order).</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    /// <summary>The heartbeat period asked for (backport-heartbeat-period, at least a minute), in seconds; null: no heartbeat is sent.</summary>
    public int? HeartbeatSeconds { get; set; }
    /// <summary>When a heartbeat falls due if nothing else is sent before: a delivered notification of any kind moves it on.</summary>
    public DateTime? NextHeartbeatAt { get; set; }
}
