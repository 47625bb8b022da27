using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// The case store. One model for both providers; each provider has its own subclass only so that it
/// can carry its own migrations (SqliteCoverageDbContext, PostgresCoverageDbContext).
/// </summary>
public abstract class CoverageDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<CaseRecord> Cases => Set<CaseRecord>();
    public DbSet<LineDecisionRecord> Decisions => Set<LineDecisionRecord>();
    public DbSet<CaseFilterRecord> CaseFilters => Set<CaseFilterRecord>();
    public DbSet<AuditEventRecord> AuditEvents => Set<AuditEventRecord>();
    public DbSet<UsedTokenRecord> UsedTokens => Set<UsedTokenRecord>();
    public DbSet<CaseInformationRecord> CaseInformation => Set<CaseInformationRecord>();
    public DbSet<WorkbenchSessionRecord> WorkbenchSessions => Set<WorkbenchSessionRecord>();
    public DbSet<SignInLockoutRecord> SignInLockouts => Set<SignInLockoutRecord>();
    public DbSet<CatalogueSnapshotRecord> CatalogueSnapshots => Set<CatalogueSnapshotRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var cases = modelBuilder.Entity<CaseRecord>();
        cases.ToTable("cases");
        cases.HasKey(c => c.Id);
        cases.Property(c => c.RequestId).HasMaxLength(128);
        cases.Property(c => c.MemberKey).HasMaxLength(128);
        cases.Property(c => c.Kind).HasMaxLength(32);
        cases.Property(c => c.Priority).HasMaxLength(16);
        cases.Property(c => c.Status).HasMaxLength(32);
        cases.Property(c => c.Outcome).HasMaxLength(32);
        cases.Property(c => c.FinalOutcome).HasMaxLength(32);
        cases.Property(c => c.RequestHash).HasMaxLength(80);
        cases.Property(c => c.DeterminationJson).HasConversion(Utf8JsonMapping.Converter, Utf8JsonMapping.Comparer);
        cases.Property(c => c.Revision).IsConcurrencyToken();
        cases.Property(c => c.Tenant).HasMaxLength(256);
        cases.Property(c => c.SubmittedBy).HasMaxLength(256);
        cases.Property(c => c.ExternalKey).HasMaxLength(1024);
        // Idempotent submission: one case per submitting organisation, member, request id and use of it (null
        // request ids are never equal; only PAS uses an id again, for a different request: CaseRecord.RequestIdUse).
        // Request ids are the submitter's own: another organisation's never collide.
        cases.HasIndex(c => new { c.Tenant, c.MemberKey, c.RequestId, c.RequestIdUse }).IsUnique();
        // A submitter's own cases, oldest first.
        cases.HasIndex(c => new { c.Tenant, c.ReceivedAt });
        cases.HasIndex(c => new { c.Status, c.ReceivedAt });
        // The reviewers' queue: open cases by due time.
        cases.HasIndex(c => new { c.Status, c.DueAt });
        cases.Property(c => c.InformationRequest).HasMaxLength(2000);
        cases.Property(c => c.HeldLines).HasMaxLength(512);
        cases.Property(c => c.CancelledLines).HasMaxLength(4000);
        // Issue 18: clocks, appeals, the report's facts.
        cases.Property(c => c.PlanId).HasMaxLength(128);
        cases.Property(c => c.LineOfBusiness).HasMaxLength(32);
        cases.Property(c => c.ExtensionReason).HasMaxLength(2000);
        cases.Property(c => c.FirstOutcome).HasMaxLength(32);
        cases.Property(c => c.SocialRiskFactors).HasMaxLength(128);
        cases.Property(c => c.AppealFiledBy).HasMaxLength(16);
        cases.Property(c => c.AppealReason).HasMaxLength(4000);
        cases.Property(c => c.AppealedLines).HasMaxLength(512);
        cases.Property(c => c.AppealResult).HasMaxLength(32);
        cases.Property(c => c.PeerToPeerBy).HasMaxLength(128);
        cases.Property(c => c.PeerToPeerWith).HasMaxLength(256);
        cases.Property(c => c.PeerToPeerSummary).HasMaxLength(4000);
        cases.Property(c => c.ExternalReviewOrganisation).HasMaxLength(256);
        cases.Property(c => c.ExternalReviewResult).HasMaxLength(32);
        cases.Property(c => c.ExternalReviewNote).HasMaxLength(4000);
        cases.Property(c => c.ExternalReviewOverturnedLines).HasMaxLength(512);
        // The appeals of a case; the report reads cases by when they were received.
        cases.HasIndex(c => c.AppealOf);
        cases.HasIndex(c => c.ReceivedAt);
        cases.HasMany(c => c.Decisions).WithOne().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Restrict);

        cases.HasMany(c => c.Filters).WithOne().HasForeignKey(f => f.CaseId).OnDelete(DeleteBehavior.Cascade);

        var filters = modelBuilder.Entity<CaseFilterRecord>();
        filters.ToTable("case_filters");
        filters.HasKey(f => new { f.CaseId, f.Kind, f.Value });
        filters.Property(f => f.Kind).HasMaxLength(16);
        filters.Property(f => f.Value).HasMaxLength(256);
        // A filtered list (the cases of a policy, of a modality) finds its cases through this index.
        filters.HasIndex(f => new { f.Kind, f.Value });

        var decisions = modelBuilder.Entity<LineDecisionRecord>();
        decisions.ToTable("line_decisions");
        decisions.HasKey(d => d.Id);
        decisions.Property(d => d.Action).HasMaxLength(16);
        decisions.Property(d => d.ReviewerId).HasMaxLength(128);
        decisions.Property(d => d.ReviewerName).HasMaxLength(256);
        decisions.Property(d => d.ReviewerRole).HasMaxLength(32);
        decisions.HasIndex(d => new { d.CaseId, d.Sequence }).IsUnique();

        var audit = modelBuilder.Entity<AuditEventRecord>();
        audit.ToTable("audit_events");
        audit.HasKey(a => a.Id);
        audit.Property(a => a.Action).HasMaxLength(64);
        audit.Property(a => a.Actor).HasMaxLength(128);
        audit.Property(a => a.ActorRole).HasMaxLength(32);
        audit.Property(a => a.Subject).HasMaxLength(128);
        audit.Property(a => a.ActorIssuer).HasMaxLength(256);
        audit.Property(a => a.ActorClient).HasMaxLength(256);
        audit.Property(a => a.ActorSubject).HasMaxLength(256);
        audit.Property(a => a.Source).HasMaxLength(64);
        audit.Property(a => a.Occurrences).HasDefaultValue(1);
        audit.HasIndex(a => new { a.CaseId, a.Id });
        audit.HasIndex(a => new { a.Subject, a.Id });
        audit.HasOne<CaseRecord>().WithMany().HasForeignKey(a => a.CaseId).IsRequired(false).OnDelete(DeleteBehavior.Restrict);

        var tokens = modelBuilder.Entity<UsedTokenRecord>();
        tokens.ToTable("used_tokens");
        tokens.HasKey(t => t.Key);
        tokens.Property(t => t.Key).HasMaxLength(512);
        tokens.HasIndex(t => t.ExpiresAt);

        var information = modelBuilder.Entity<CaseInformationRecord>();
        information.ToTable("case_information");
        information.HasKey(i => i.Id);
        information.Property(i => i.Actor).HasMaxLength(256);
        information.Property(i => i.ActorRole).HasMaxLength(32);
        information.Property(i => i.ActorClient).HasMaxLength(256);
        information.Property(i => i.Tenant).HasMaxLength(256);
        information.HasIndex(i => new { i.CaseId, i.Id });
        information.HasOne<CaseRecord>().WithMany().HasForeignKey(i => i.CaseId).OnDelete(DeleteBehavior.Restrict);

        var sessions = modelBuilder.Entity<WorkbenchSessionRecord>();
        sessions.ToTable("workbench_sessions");
        sessions.HasKey(s => s.Id);
        sessions.Property(s => s.Id).HasMaxLength(64);
        sessions.Property(s => s.AccountId).HasMaxLength(128);
        sessions.Property(s => s.AccountStamp).HasMaxLength(128);
        sessions.Property(s => s.Source).HasMaxLength(64);
        sessions.HasIndex(s => s.AccountId);
        sessions.HasIndex(s => s.ExpiresAt);

        var lockouts = modelBuilder.Entity<SignInLockoutRecord>();
        lockouts.ToTable("sign_in_lockouts");
        lockouts.HasKey(l => l.AccountId);
        lockouts.Property(l => l.AccountId).HasMaxLength(128);

        var snapshots = modelBuilder.Entity<CatalogueSnapshotRecord>();
        snapshots.ToTable("catalogue_snapshots");
        snapshots.HasKey(c => c.Digest);
        snapshots.Property(c => c.Digest).HasMaxLength(80);
        snapshots.Property(c => c.Root).HasMaxLength(512);

        var leases = modelBuilder.Entity<MaintenanceLeaseRecord>();
        leases.ToTable("maintenance_leases");
        leases.HasKey(l => l.Name);
        leases.Property(l => l.Name).HasMaxLength(64);
        leases.Property(l => l.LeaseOwner).HasMaxLength(128);

        SubscriptionModel.Configure(modelBuilder);
    }
}

public sealed class SqliteCoverageDbContext(DbContextOptions<SqliteCoverageDbContext> options) : CoverageDbContext(options);

public sealed class PostgresCoverageDbContext(DbContextOptions<PostgresCoverageDbContext> options) : CoverageDbContext(options);
