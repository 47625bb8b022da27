namespace Coverage.Store.Entities;

/// <summary>
/// A background job that several servers sharing one database must run once, not once each (the retention purge): when
/// it is next due, and which server holds it now, until when. Taken by a conditional update, as a subscription's lease is.
/// </summary>
public sealed class MaintenanceLeaseRecord
{
    public string Name { get; set; } = "";
    public DateTime NextRunAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}
