using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SubscriptionHeartbeat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HeartbeatSeconds",
                table: "pas_subscriptions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextHeartbeatAt",
                table: "pas_subscriptions",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HeartbeatSeconds",
                table: "pas_subscriptions");

            migrationBuilder.DropColumn(
                name: "NextHeartbeatAt",
                table: "pas_subscriptions");
        }
    }
}
