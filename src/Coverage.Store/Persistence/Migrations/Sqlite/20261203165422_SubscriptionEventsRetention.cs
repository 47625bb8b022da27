using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SubscriptionEventsRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "maintenance_leases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_leases", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_subscription_deliveries_CreatedAt",
                table: "subscription_deliveries",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_subscription_deliveries_SubscriptionId_EventNumber",
                table: "subscription_deliveries",
                columns: new[] { "SubscriptionId", "EventNumber" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "maintenance_leases");

            migrationBuilder.DropIndex(
                name: "IX_subscription_deliveries_CreatedAt",
                table: "subscription_deliveries");

            migrationBuilder.DropIndex(
                name: "IX_subscription_deliveries_SubscriptionId_EventNumber",
                table: "subscription_deliveries");
        }
    }
}
