using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextHeartbeatAt",
                table: "pas_subscriptions",
                type: "TEXT",
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
