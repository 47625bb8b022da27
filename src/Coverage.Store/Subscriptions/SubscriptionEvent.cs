namespace Coverage.Store;

/// <summary>One numbered event of a subscription as $events returns it: its number, when it happened, and its case.</summary>
public sealed record SubscriptionEvent(long Number, DateTime At, Guid? CaseId);
