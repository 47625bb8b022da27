namespace Coverage.Store;

/// <summary>A stored subscription as the FHIR endpoints show it (its headers stay inside the server).</summary>
public sealed record SubscriptionView(
    Guid Id, string Status, string Topic, string FilterCriteria, string Endpoint, string ContentType, string Content,
    string? Reason, DateTime? End, int TimeoutSeconds, DateTime CreatedAt, long EventsSinceStart, string? LastError, int? HeartbeatSeconds = null)
{
    public static SubscriptionView Of(Entities.PasSubscriptionRecord record) => new(
        record.Id, record.Status, record.Topic, record.FilterCriteria, record.Endpoint, record.ContentType, record.Content,
        record.Reason, record.End, record.TimeoutSeconds, record.CreatedAt, record.EventsSinceStart, record.LastError, record.HeartbeatSeconds);
}
