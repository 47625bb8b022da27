using Coverage.Engine.Text;
using Coverage.Store;

namespace Coverage.Server.Security;

public sealed class SecurityEventOptions
{
    /// <summary>Occurrences of one kind from one source are counted this long, then written as one audit event.</summary>
    public int WindowSeconds { get; set; } = 60;
    /// <summary>
    /// How many counts (source, subject, action, kind, actor) are kept at once; beyond it, further sources share one
    /// "other sources" count per subject, action and kind, so that memory and rows stay bounded however many
    /// addresses an attacker sends from.
    /// </summary>
    public int MaxKeys { get; set; } = 256;
}

/// <summary>
/// The one place security events are recorded: refused CDS Hooks calls, 401 and 403 answers, calls refused for a
/// rate limit (and, later, sign-ins). An outsider decides how many of these there are and much of their text, so
/// they are recorded bounded: every field has a fixed size (attacker text cut, with the count of what was cut),
/// occurrences are counted in memory per (source, subject, action, kind, actor) and written once per window as
/// one audit event — <c>Occurrences</c> the count, <c>At</c> the first, <c>LastAt</c> the last — through the
/// <see cref="ServiceCallJournal"/>, and the number of counts held is capped. So a flood of refusals costs at most
/// one row per count per window, whatever it sends. The counts are written when the window ends and when the
/// server stops; a crash loses at most one window of them (the calls themselves were all refused).
/// </summary>
public sealed partial class SecurityEvents(
    ServiceCallJournal journal, SecurityEventOptions options, TimeProvider time, ILogger<SecurityEvents> logger) : IHostedLifecycleService
{
    public const string OtherSources = "other sources";
    /// <summary>Characters kept of an event's detail (attacker text in it is cut shorter where it is put in).</summary>
    public const int MaxDetail = 256;
    /// <summary>Characters kept of each actor field of a security event.</summary>
    public const int MaxActorField = 64;

    private readonly Lock _lock = new();
    private Dictionary<Key, Count> _counts = [];
    private ITimer? _timer;

    private sealed record Key(string Source, string Subject, string Action, string Kind, string ActorId);

    private sealed class Count(Actor actor, string detail, DateTime first)
    {
        public Actor Actor { get; } = actor;
        public string Detail { get; } = detail;
        public DateTime First { get; } = first;
        public DateTime Last { get; set; } = first;
        public int Occurrences { get; set; }
    }

    /// <summary>
    /// Counts one occurrence. <paramref name="subject"/>, <paramref name="action"/> and <paramref name="kind"/> come
    /// from the code (a service, a route pattern; a fixed reason), never from the request; <paramref name="actor"/>
    /// carries the source; <paramref name="detail"/> is cut to <see cref="MaxDetail"/>.
    /// </summary>
    public void Record(string subject, string action, string kind, Actor actor, string detail)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var bounded = Bound(actor);
        var key = new Key(bounded.Source!, subject, action, kind, bounded.Id);
        bool first;
        lock (_lock)
        {
            first = !_counts.TryGetValue(key, out var count);
            if (first && _counts.Count >= options.MaxKeys)
            {
                key = new Key(OtherSources, subject, action, kind, "*");
                bounded = Actor.Anonymous with { Source = OtherSources };
                first = !_counts.TryGetValue(key, out count);
            }
            if (count is null)
            {
                count = new Count(bounded, Bounded.Text(detail, MaxDetail), now);
                _counts[key] = count;
            }
            count.Occurrences++;
            count.Last = now;
        }
        // One log line per count and window, however many occurrences: logs are bounded like the audit.
        if (first) FirstOccurrence(logger, action, kind, subject, key.Source, Bounded.Text(detail, MaxDetail), options.WindowSeconds);
    }

    /// <summary>Writes every count held as one audit event each, and starts new counts.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<Key, Count> counts;
        lock (_lock)
        {
            if (_counts.Count == 0) return;
            counts = _counts;
            _counts = [];
        }
        try
        {
            // Written together, the events share one transaction of the journal.
            await Task.WhenAll(counts.Select(c => journal.RecordAsync(new(new ServiceCallEvent(c.Key.Subject, c.Key.Action, c.Value.Actor, c.Value.Detail)
            {
                At = c.Value.First,
                LastAt = c.Value.Occurrences > 1 ? c.Value.Last : null,
                Occurrences = c.Value.Occurrences,
            }), cancellationToken)));
        }
        catch (Exception e)
        {
            // The store is unavailable (or the server is stopping): the counts are dropped, so that memory stays
            // bounded, and the loss is logged. A flush runs on a timer: nothing must escape it.
            NotWritten(logger, counts.Values.Sum(c => c.Occurrences), e.GetType().Name);
        }
    }

    private static Actor Bound(Actor actor) => new(
        Bounded.Column(actor.Id, MaxActorField)!,
        Bounded.Column(actor.Role, 32),
        Bounded.Column(actor.Issuer, MaxActorField),
        Bounded.Column(actor.ClientId, MaxActorField),
        Bounded.Column(actor.Subject, MaxActorField),
        Bounded.Column(actor.Source ?? SourceAddress.Unknown, MaxActorField));

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromSeconds(Math.Max(1, options.WindowSeconds));
        _timer = time.CreateTimer(_ => _ = FlushAsync(), null, window, window);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After the web server has stopped taking calls: the last counts are written.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null) await _timer.DisposeAsync();
        await FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Security event {Action} ({Kind}) on {Subject} from {Source}: {Detail} Further occurrences are counted and audited as one event per {WindowSeconds} s.")]
    private static partial void FirstOccurrence(ILogger logger, string action, string kind, string subject, string source, string detail, int windowSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Occurrences} security event occurrences could not be audited ({Kind}): the case store is unavailable or the server is stopping.")]
    private static partial void NotWritten(ILogger logger, int occurrences, string kind);
}

public static class SecurityEventsSetup
{
    /// <summary>Audit:SecurityEvents (window, cap), the recorder (written at each window's end and at stop) and the 401/403 audit of /api/v1 and /fhir.</summary>
    public static void AddSecurityEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Audit:SecurityEvents").Get<SecurityEventOptions>() ?? new SecurityEventOptions());
        services.AddSingleton<SecurityEvents>();
        services.AddHostedService(sp => sp.GetRequiredService<SecurityEvents>());
        services.AddTransient<IStartupFilter, AccessDeniedAudit.StartupFilter>();
    }
}
