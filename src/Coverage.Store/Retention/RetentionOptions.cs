namespace Coverage.Store;

/// <summary>
/// How long the store keeps what only serves notifications (docs/decisions.md, "Retention"). The record a payer must
/// keep — cases, their determinations, decisions, information and the audit trail — is never purged here.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Whether this server runs the purge (another may; or the operator purges otherwise).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>
    /// Days a sent (or given-up) event notification is kept: the window in which $events returns it. Also how long a
    /// deleted subscription is kept once its notifications are gone.
    /// </summary>
    public int EventDays { get; set; } = 90;
    /// <summary>Hours a sent handshake or heartbeat is kept (they carry no case; one a minute per subscription adds up).</summary>
    public int HeartbeatHours { get; set; } = 24;
    /// <summary>
    /// Days a pended case's PAS request Bundle is kept once the case and every appeal of it are final (or cancelled) and
    /// unchanged: until then an appeal's decision may still be notified, and is built from it.
    /// </summary>
    public int PasRequestDaysAfterFinal { get; set; } = 365;
    /// <summary>Minutes between purges (one server runs each).</summary>
    public int IntervalMinutes { get; set; } = 60;
    /// <summary>Rows deleted per statement: each batch is a short transaction, so other writers are not held up.</summary>
    public int BatchSize { get; set; } = 5000;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (EventDays is < 7 or > 3650) problems.Add($"{Section}:EventDays must be 7 to 3650 (a client recovering missed notifications needs at least a week).");
        if (HeartbeatHours is < 1 or > 8760) problems.Add($"{Section}:HeartbeatHours must be 1 to 8760.");
        if (PasRequestDaysAfterFinal is < 65 or > 3650)
            problems.Add($"{Section}:PasRequestDaysAfterFinal must be 65 to 3650 (an appeal may come for at least 65 days after a decision).");
        if (IntervalMinutes is < 1 or > 1440) problems.Add($"{Section}:IntervalMinutes must be 1 to 1440.");
        if (BatchSize is < 100 or > 100_000) problems.Add($"{Section}:BatchSize must be 100 to 100000.");
        return problems;
    }
}
