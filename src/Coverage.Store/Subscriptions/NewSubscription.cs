namespace Coverage.Store;

/// <summary>
/// A subscription as a client asked for it, already checked (topic, rest-hook, full-resource, endpoint): what the
/// store keeps. The owner is not here: it is the authenticated caller's organisation.
/// </summary>
/// <param name="ProtectedHeaders">The channel headers, already encrypted by the server (they are secrets).</param>
public sealed record NewSubscription(
    string Topic, string FilterCriteria, string Endpoint, string ContentType, string Content, string? ProtectedHeaders,
    string? Reason, DateTime? End, int TimeoutSeconds, int? HeartbeatSeconds = null);
