namespace Coverage.Store;

/// <summary>
/// What a $events query found: the subscription as it stands (its status and events-since-subscription-start) and the
/// kept events of the range asked for, in number order.
/// </summary>
public sealed record SubscriptionEvents(SubscriptionView Subscription, IReadOnlyList<SubscriptionEvent> Events);
