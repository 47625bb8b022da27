namespace Coverage.Store;

/// <summary>A subscription's status (FHIR R4 subscription-status) and its notifications' kinds and states.</summary>
public static class SubscriptionStates
{
    public const string Requested = "requested";
    public const string Active = "active";
    public const string Error = "error";
    public const string Off = "off";

    public const string Handshake = "handshake";
    public const string EventNotification = "event-notification";
    public const string Heartbeat = "heartbeat";

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Abandoned = "abandoned";

    /// <summary>The audit subject of a subscription's events.</summary>
    public static string Subject(Guid id) => $"fhir/Subscription/{id:N}";
}
