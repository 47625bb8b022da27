namespace Coverage.Store.Entities;

/// <summary>
/// One notification to send (the transactional outbox): written in the same transaction as what it announces — a
/// subscription's creation (its handshake) or a decision on a case — and sent by the background deliverer, in id
/// order per subscription, with retries.
/// </summary>
public sealed class SubscriptionDeliveryRecord
{
    public long Id { get; set; }
    public Guid SubscriptionId { get; set; }
    /// <summary>handshake or event-notification.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The case whose response changed (event notifications).</summary>
    public Guid? CaseId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The event's number within its subscription, given when it is first sent (so retries keep it); null for handshakes.</summary>
    public long? EventNumber { get; set; }
    /// <summary>pending, delivered or abandoned.</summary>
    public string State { get; set; } = "";
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}
