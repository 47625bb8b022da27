namespace Coverage.Fhir.Pas;

/// <summary>A kept PAS subscription as the FHIR resources about it show it (never its channel headers: they are secrets).</summary>
public sealed record SubscriptionSnapshot(
    string Id, string Status, string FilterCriteria, string Endpoint, string ContentType, string? Reason, DateTimeOffset? End,
    int TimeoutSeconds, long EventsSinceStart, string? Error, int? HeartbeatSeconds = null);
