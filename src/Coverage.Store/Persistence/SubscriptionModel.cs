using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>The tables of PAS subscriptions: the subscriptions, their outbox of notifications, and the kept PAS request Bundles.</summary>
internal static class SubscriptionModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var subscriptions = modelBuilder.Entity<PasSubscriptionRecord>();
        subscriptions.ToTable("pas_subscriptions");
        subscriptions.HasKey(s => s.Id);
        subscriptions.Property(s => s.Tenant).HasMaxLength(256);
        subscriptions.Property(s => s.CreatedBy).HasMaxLength(128);
        subscriptions.Property(s => s.CreatedByIssuer).HasMaxLength(256);
        subscriptions.Property(s => s.CreatedByClient).HasMaxLength(256);
        subscriptions.Property(s => s.Status).HasMaxLength(16);
        subscriptions.Property(s => s.Topic).HasMaxLength(256);
        subscriptions.Property(s => s.FilterCriteria).HasMaxLength(1024);
        subscriptions.Property(s => s.Endpoint).HasMaxLength(2048);
        subscriptions.Property(s => s.ContentType).HasMaxLength(64);
        subscriptions.Property(s => s.Content).HasMaxLength(32);
        subscriptions.Property(s => s.Reason).HasMaxLength(1024);
        subscriptions.Property(s => s.LastError).HasMaxLength(512);
        subscriptions.Property(s => s.LeaseOwner).HasMaxLength(128);
        // An organisation's live subscriptions, looked up in the transaction of every decision on one of its cases.
        subscriptions.HasIndex(s => new { s.Tenant, s.Status });

        var deliveries = modelBuilder.Entity<SubscriptionDeliveryRecord>();
        deliveries.ToTable("subscription_deliveries");
        deliveries.HasKey(d => d.Id);
        deliveries.Property(d => d.Kind).HasMaxLength(32);
        deliveries.Property(d => d.State).HasMaxLength(16);
        deliveries.Property(d => d.LastError).HasMaxLength(512);
        // The deliverer's two questions: what is due, and which is a subscription's next (its lowest pending id).
        deliveries.HasIndex(d => new { d.State, d.NextAttemptAt });
        deliveries.HasIndex(d => new { d.SubscriptionId, d.State, d.Id });
        // $events (a subscription's events by number) and the retention purge (what is past its window).
        deliveries.HasIndex(d => new { d.SubscriptionId, d.EventNumber });
        deliveries.HasIndex(d => d.CreatedAt);
        deliveries.HasOne<PasSubscriptionRecord>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        deliveries.HasOne<CaseRecord>().WithMany().HasForeignKey(d => d.CaseId).IsRequired(false).OnDelete(DeleteBehavior.Restrict);

        var requests = modelBuilder.Entity<PasRequestBundleRecord>();
        requests.ToTable("pas_request_bundles");
        requests.HasKey(r => r.CaseId);
        requests.Property(r => r.BundleJson).HasConversion(Utf8JsonMapping.Converter, Utf8JsonMapping.Comparer);
        requests.HasOne<CaseRecord>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}
