namespace Coverage.Server.Subscriptions;

/// <summary>
/// Subscriptions: the operator's settings (docs/security.md, "PAS subscriptions"). A notification is a call this
/// server makes to an address a client chose, so what it may call is the operator's to widen, never a client's.
/// </summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>Plain http endpoints (Development, a test kit on localhost); https only otherwise.</summary>
    public bool AllowHttp { get; set; }
    /// <summary>
    /// Networks (CIDR, e.g. 127.0.0.1/32, 10.20.0.0/16) that endpoints may resolve to although they are loopback,
    /// private, link-local or otherwise internal. Empty: only public addresses are called.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
    /// <summary>
    /// The sending system identifiers (X12 ISA06) of each organisation: a subscription's org-identifier filter must name
    /// its creator's own (PAS spec-59). An organisation without an entry may name any: it is notified of its own cases
    /// only, whatever it names.
    /// </summary>
    public Dictionary<string, List<string>> OrganisationIdentifiers { get; set; } = [];
    /// <summary>Attempts at one notification before it is given up and the subscription set to error.</summary>
    public int MaxAttempts { get; set; } = 6;
    /// <summary>The wait before the second attempt; each further wait doubles, up to an hour.</summary>
    public double RetryBaseSeconds { get; set; } = 10;
    /// <summary>The longest one notification may take (a Subscription's backport-timeout may ask for less).</summary>
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>How often the deliverer looks for notifications due (a new subscription's handshake wakes it at once).</summary>
    public int PollMilliseconds { get; set; } = 1000;
    /// <summary>
    /// Subscriptions served at once by one server: an endpoint that never answers holds one of these places for its
    /// timeout, and the others' notifications go on.
    /// </summary>
    public int ConcurrentDeliveries { get; set; } = 8;
    /// <summary>A notification larger than this is not sent (it is dropped, and audited).</summary>
    public int MaxNotificationBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>Live subscriptions one organisation may hold.</summary>
    public int MaxPerOrganisation { get; set; } = 20;

    public TimeSpan RetryAfter(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var network in AllowedNetworks)
            if (!System.Net.IPNetwork.TryParse(network, out _)) problems.Add($"{Section}:AllowedNetworks: '{network}' is not a network in CIDR notation (e.g. 127.0.0.1/32).");
        if (MaxAttempts is < 1 or > 100) problems.Add($"{Section}:MaxAttempts must be 1 to 100.");
        if (RetryBaseSeconds is < 0 or > 3600) problems.Add($"{Section}:RetryBaseSeconds must be 0 to 3600.");
        if (TimeoutSeconds is < 1 or > 120) problems.Add($"{Section}:TimeoutSeconds must be 1 to 120.");
        if (PollMilliseconds is < 10 or > 60000) problems.Add($"{Section}:PollMilliseconds must be 10 to 60000.");
        if (ConcurrentDeliveries is < 1 or > 64) problems.Add($"{Section}:ConcurrentDeliveries must be 1 to 64.");
        if (MaxNotificationBytes < 64 * 1024) problems.Add($"{Section}:MaxNotificationBytes must be at least 65536.");
        if (MaxPerOrganisation < 1) problems.Add($"{Section}:MaxPerOrganisation must be at least 1.");
        return problems;
    }
}
