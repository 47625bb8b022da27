using Coverage.Engine.Model;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// The stored cases as the command and query handlers reach them: loaded only for a caller who may see them,
/// found by request id within an organisation, and audited. Every change and every read of a case writes its
/// audit event in the same SaveChanges, hence the same transaction, as the change or read itself.
/// </summary>
internal sealed class CaseRecords(CoverageDbContext db, TimeProvider time, NewCaseWriter newCases)
{
    public CoverageDbContext Db => db;

    public DateTime Now() => time.GetUtcNow().UtcDateTime;

    public Guid NewCaseId() => Guid.CreateVersion7(time.GetUtcNow());

    /// <summary>
    /// The case, when the caller may see it. Another organisation's case is answered exactly like a missing one
    /// (nothing tells a caller that it exists), and the refused attempt is audited on that case.
    /// </summary>
    public async Task<CaseRecord?> LoadForAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await Cases().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (record is null || caller.MaySee(record.Tenant)) return record;
        Audit(record, Now(), "access-refused", caller.Actor, "The case was asked for by a caller of another organisation; it was answered as not found.");
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// The case under a request id for a member that holds this very request (its request hash): a resubmission's. A
    /// PAS Claim identifier may name more than one request (<see cref="CaseRecord.RequestIdUse"/>). Request ids are the
    /// submitter's own: they are looked up only within its organisation.
    /// </summary>
    public Task<CaseRecord?> SameRequestAsync(string tenant, string memberKey, string requestId, string requestHash, CancellationToken cancellationToken) =>
        SameRequestQueries.GetValue(db.Model, _ => EF.CompileAsyncQuery((CoverageDbContext context, string t, string m, string r, string h, CancellationToken _) =>
            context.Cases.Include(c => c.Decisions).Include(c => c.Filters).AsSingleQuery()
                .FirstOrDefault(c => c.Tenant == t && c.MemberKey == m && c.RequestId == r && c.RequestHash == h)))(db, tenant, memberKey, requestId, requestHash, cancellationToken);

    /// <summary>The latest use of a request id for a member (its case and the use's number), when the id names any: one row of the unique index.</summary>
    public Task<IdUse?> LatestUseAsync(string tenant, string memberKey, string requestId, CancellationToken cancellationToken) =>
        LatestUseQueries.GetValue(db.Model, _ => EF.CompileAsyncQuery((CoverageDbContext context, string t, string m, string r, CancellationToken _) =>
            context.Cases.Where(c => c.Tenant == t && c.MemberKey == m && c.RequestId == r)
                .OrderByDescending(c => c.RequestIdUse)
                .Select(c => new IdUse(c.Id, c.RequestIdUse))
                .FirstOrDefault()))(db, tenant, memberKey, requestId, cancellationToken);

    /// <summary>
    /// The latest case under a request id for a member whose external key <paramref name="names"/> accepts (an update
    /// names its request by provider and identifier system), with its decisions and filter rows; among the latest
    /// <see cref="UsesLookedAt"/> uses only, so that an id used many times costs no more to look up.
    /// </summary>
    public async Task<CaseRecord?> LatestNamedAsync(string tenant, string memberKey, string requestId, Func<string?, bool> names, CancellationToken cancellationToken)
    {
        var uses = await db.Cases.AsNoTracking()
            .Where(c => c.Tenant == tenant && c.MemberKey == memberKey && c.RequestId == requestId)
            .OrderByDescending(c => c.RequestIdUse)
            .Take(UsesLookedAt)
            .Select(c => new { c.Id, c.ExternalKey })
            .ToListAsync(cancellationToken);
        return uses.FirstOrDefault(c => names(c.ExternalKey)) is { } named ? await LoadLinkedAsync(named.Id, cancellationToken) : null;
    }

    /// <summary>How many of an id's latest uses an update looks at for the request it names.</summary>
    public const int UsesLookedAt = 50;

    /// <summary>A case's use of its request id, as <see cref="LatestUseAsync"/> reads it.</summary>
    public sealed record IdUse(Guid Id, int Use);

    // Compiled once per model: EF Core would otherwise build and match the query's expression tree, includes and all, on
    // every call. A compiled query belongs to the model it was compiled against, and SQLite's and PostgreSQL's models
    // differ (both may live in one process), so there is one per model.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel,
        Func<CoverageDbContext, string, string, string, string, CancellationToken, Task<CaseRecord?>>> SameRequestQueries = [];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel,
        Func<CoverageDbContext, string, string, string, CancellationToken, Task<IdUse?>>> LatestUseQueries = [];

    /// <summary>Adds an audit event on the case, saved with the next SaveChanges: the change or read it records.</summary>
    public void Audit(CaseRecord record, DateTime at, string action, Actor actor, string detail) =>
        db.AuditEvents.Add(AuditEvent(record, at, action, actor, detail));

    /// <summary>
    /// Adds an audit event on a service rather than a case (<paramref name="subject"/>: a report, an impact run), saved
    /// with the next SaveChanges: running it is audited with the actor, not as a read of each case.
    /// </summary>
    public void AuditService(string subject, string action, Actor actor, string detail) =>
        db.AuditEvents.Add(new AuditEventRecord
        {
            Subject = subject, At = Now(), Action = action, Actor = actor.Id, ActorRole = actor.Role,
            ActorIssuer = actor.Issuer, ActorClient = actor.ClientId, ActorSubject = actor.Subject, Source = actor.Source, Detail = detail,
        });

    /// <summary>An audit event on the case, not yet added to any context.</summary>
    public static AuditEventRecord AuditEvent(CaseRecord record, DateTime at, string action, Actor actor, string detail) => new()
    {
        CaseId = record.Id, At = at, Action = action, Actor = actor.Id, ActorRole = actor.Role,
        ActorIssuer = actor.Issuer, ActorClient = actor.ClientId, ActorSubject = actor.Subject, Source = actor.Source, Detail = detail,
    };

    /// <summary>
    /// Writes a new case with its creation's audit event and the rows kept with it, group-committed with the other new
    /// cases of the moment (<see cref="NewCaseWriter"/>); returns once committed, or throws as its own SaveChanges would
    /// (a <see cref="DbUpdateException"/> when another case of the member holds its request id).
    /// </summary>
    public Task AddNewAsync(CaseRecord record, AuditEventRecord created, IReadOnlyList<object> keptWith, CancellationToken cancellationToken, Determination? evaluated = null) =>
        newCases.WriteAsync(record, [created], keptWith, cancellationToken, evaluated);

    /// <summary>As <see cref="AddNewAsync(CaseRecord, AuditEventRecord, IReadOnlyList{object}, CancellationToken, Determination)"/>, with events on other cases too (an appeal's filing, on the case it contests).</summary>
    public Task AddNewAsync(CaseRecord record, IReadOnlyList<AuditEventRecord> events, CancellationToken cancellationToken) =>
        newCases.WriteAsync(record, events, [], cancellationToken);

    /// <summary>A case by id with its decisions, whatever its organisation: for a case the caller already reached through another (an appeal's original).</summary>
    public Task<CaseRecord?> LoadLinkedAsync(Guid id, CancellationToken cancellationToken) =>
        Cases().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);

    public Task SaveChangesAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    public static StoreResult<T> NotFound<T>(Guid id) => StoreResult<T>.Fail(StoreErrorKind.NotFound, $"No case {id}.");

    /// <summary>
    /// Cases with what the workflow and the views read of them: decisions and filter rows, in one round trip
    /// (a case has a few of each, so the joined rows stay few).
    /// </summary>
    private IQueryable<CaseRecord> Cases() => db.Cases.Include(c => c.Decisions).Include(c => c.Filters).AsSingleQuery();
}
