namespace Coverage.Store;

/// <summary>What one retention purge removed, and how long it took.</summary>
public sealed record RetentionRun(int EventNotifications, int OtherNotifications, int PasRequestBundles, int DeletedSubscriptions, TimeSpan Took)
{
    public int Total => EventNotifications + OtherNotifications + PasRequestBundles + DeletedSubscriptions;
}
